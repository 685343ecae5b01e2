import { dirname, resolve, sep } from 'node:path';
import { comparisonTable, computeTable, writeComparison } from '../compare/index.js';
import { findRunDirs } from '../compare/runs.js';
import { intListFlag, parseFlagsAndOperands } from './args.js';

export const compareHelp = `Usage: nes compare RUN... [--out DIR] [--severity LIST]

Aggregates runs of one config that differ only in the seed (run folders, or folders of runs such
as the one \`nes experiment\` writes) into mean ± standard error per method × M × severity: test
NLL, error, ECE, Brier, oracle NLL and disagreement. Prints the table and writes compare.json and
compare.html (one self-contained page: NLL against M, NLL and ECE against severity, anytime curves
with bands across seeds, the value of shift-aware selection). Runs whose configs differ in
anything but the seed (or execution settings) are refused, naming the differing keys.

  --out DIR          where compare.json and compare.html go (default: the folder holding the runs)
  --severity LIST    severities in the printed table, e.g. 0,5 (default: all; the files hold all)`;

export async function compareCommand(args: string[]): Promise<number> {
  const { flags, operands } = parseFlagsAndOperands('compare', args, {
    out: { type: 'string' },
    severity: { type: 'string' },
  });
  if (flags.help) {
    console.log(compareHelp);
    return 0;
  }
  const severities = intListFlag('compare', 'severity', flags.severity, 0);
  const out = flags.out ?? commonParent(findRunDirs(operands));
  const { comparison, jsonPath, htmlPath } = await writeComparison(operands, out);
  console.log(`${comparison.runs.length} runs, seeds ${comparison.seeds.join(', ')}; mean ± standard error over seeds\n`);
  console.log(comparisonTable(comparison, severities));
  console.log(`\ncompute (summed over workers):\n${computeTable(comparison)}`);
  console.log(`\ncomparison: ${jsonPath}\npage:       ${htmlPath}`);
  return 0;
}

/** The deepest folder that holds every run folder. */
function commonParent(runDirs: string[]): string {
  const parts = runDirs.map((dir) => dirname(resolve(dir)).split(sep));
  const first = parts[0]!;
  let depth = 0;
  while (depth < first.length && parts.every((p) => p[depth] === first[depth])) depth++;
  return first.slice(0, depth).join(sep) || sep;
}
