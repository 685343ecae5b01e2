import { findRun } from '../run/run-folder.js';
import { writeReport } from '../report/write-report.js';
import { intFlag, parseFlags, requireFlag } from './args.js';

export const reportHelp = `Usage: nes report --run RUN [--size M] [--runs-dir runs]

Writes runs/<ID>/report.html, one self-contained page (inline SVG, no scripts, no network):
anytime test NLL / error / ECE per method, metrics against shift severity, reliability diagrams of
the best ensemble at severity 0 and 5, diversity against NLL, and the chosen architectures with
their cells drawn as graphs.

  --run RUN        the run: its id (a folder under --runs-dir) or its folder (runs/<id>, a path)
  --size M         ensemble size of the per-size plots (default: the largest every method has)
  --runs-dir DIR   where run folders are (default: runs)`;

export async function reportCommand(args: string[]): Promise<number> {
  const flags = parseFlags('report', args, {
    run: { type: 'string' },
    size: { type: 'string' },
    'runs-dir': { type: 'string' },
  });
  if (flags.help) {
    console.log(reportHelp);
    return 0;
  }
  const run = findRun(requireFlag('report', flags, 'run'), flags['runs-dir']);
  const path = await writeReport(run.dir, { size: intFlag('report', 'size', flags.size) });
  console.log(`report: ${path}`);
  return 0;
}
