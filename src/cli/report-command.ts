import { findRun } from '../run/run-folder.js';
import { writeRunReport } from '../report/write-report.js';
import { intFlag, parseFlagsAndOperands } from './args.js';
import { runOperand } from './run-operand.js';

export const reportHelp = `Usage: nes report RUN [--size M] [--runs-dir runs]
       nes report --run RUN [--size M] [--runs-dir runs]

Writes runs/<ID>/report.html, one self-contained page (inline SVG, no scripts, no network):
anytime test NLL / error / ECE per method, metrics against shift severity, reliability diagrams of
the best ensemble at severity 0 and 5, diversity against NLL, the chosen architectures with
their cells drawn as graphs, and how the networks trained: loss curve per epoch of every network
and its seconds of training and predicting.

A run that is still going, or was interrupted, gets a partial report of the networks trained so
far (marked as such on the page and here): ensembles selected among them, sizes larger than a
pool left out.

  RUN, --run RUN   the run: its id (a folder under --runs-dir) or its folder (runs/<id>, a path)
  --size M         ensemble size of the per-size plots (default: the largest every method has)
  --runs-dir DIR   where run folders are (default: runs)`;

export async function reportCommand(args: string[]): Promise<number> {
  const { flags, operands } = parseFlagsAndOperands('report', args, {
    run: { type: 'string' },
    size: { type: 'string' },
    'runs-dir': { type: 'string' },
  });
  if (flags.help) {
    console.log(reportHelp);
    return 0;
  }
  const run = findRun(runOperand('report', flags.run, operands), flags['runs-dir']);
  const { path, snapshot } = await writeRunReport(run.dir, { size: intFlag('report', 'size', flags.size) });
  if (snapshot.partial) {
    const { status } = snapshot;
    console.log(`partial report: run ${run.id} is ${status.state}; ${status.trained} of ${status.planned} networks trained so far`);
  }
  console.log(`report: ${path}`);
  return 0;
}
