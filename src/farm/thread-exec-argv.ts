/**
 * Node flags for the farm's worker threads. piscina loads a task file with require() first and
 * falls back to import() only when require throws; since Node 20.19 require() of an ES module
 * works, and while several threads start at once it can abort the whole process in V8
 * (CreateRequiredModuleFacade: "Assertion failed: facade->InstantiateModule", seen in `npm test`
 * on a fresh clone; the same crash made generator-jhipster#32899 turn the feature off). With
 * --no-experimental-require-module the require throws ERR_REQUIRE_ESM and piscina imports the
 * file, as on older Nodes.
 */
export function threadExecArgv(): string[] {
  const flag = '--no-experimental-require-module';
  const supported = process.allowedNodeEnvironmentFlags.has(flag);
  return supported && !process.execArgv.includes(flag) ? [...process.execArgv, flag] : [...process.execArgv];
}
