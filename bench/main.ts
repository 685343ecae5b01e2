/**
 * `npm run bench -- <name> [args]`: runs bench/<name>.ts, which prints JSON lines, the last one a
 * summary.
 */
const benches = ['training', 'predict', 'farm', 'select', 'corrupt'] as const;
const name = process.argv[2];
if (!name || !(benches as readonly string[]).includes(name)) {
  console.error(`usage: npm run bench -- <${benches.join('|')}> [args]`);
  process.exit(2);
}
const bench = (await import(`./${name}.js`)) as { run(args: string[]): Promise<void> };
await bench.run(process.argv.slice(3));
