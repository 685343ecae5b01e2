import { runFolder } from '../run/run-folder.js';
import { writeReport } from '../report/write-report.js';
import { intFlag, parseFlags, requireFlag } from './args.js';

export const reportHelp = `Usage: nes report --run ID [--size M] [--runs-dir runs]

Writes runs/<ID>/report.html, one self-contained page (inline SVG, no scripts, no network):
anytime test NLL / error / ECE per method, metrics against shift severity, reliability diagrams of
the best ensemble at severity 0 and 5, diversity against NLL, and the chosen architectures with
their cells drawn as graphs.

  --run ID         run folder name under --runs-dir
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
  const run = runFolder(flags['runs-dir'] ?? 'runs', requireFlag('report', flags, 'run'));
  const path = await writeReport(run.dir, { size: intFlag('report', 'size', flags.size) });
  console.log(`report: ${path}`);
  return 0;
}
