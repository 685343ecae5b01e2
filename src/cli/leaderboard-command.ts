import { leaderboardCsv, leaderboardRows, leaderboardTable, LEADERBOARD_COLUMNS } from '../report/leaderboard.js';
import { readRunSnapshot } from '../report/run-snapshot.js';
import { findRun } from '../run/run-folder.js';
import { parseFlagsAndOperands } from './args.js';
import { runOperand } from './run-operand.js';
import { UsageError } from './usage-error.js';

export const leaderboardHelp = `Usage: nes leaderboard RUN [--sort COLUMN] [--desc] [--method LIST] [--all] [--json | --csv]

Every trained network of every method of the run, one row each: trial id, genotype id, origin
(random, mutation of which parent trial and which mutation, a fixed architecture's seed, or
for rs-sh and re-sh a promotion continuing which leg), training seed, the rung and epochs of a
multi-fidelity leg, training and prediction seconds, validation and test NLL, error and ECE (clean
data), and the sizes M of the method's chosen ensembles it is in (selected on clean validation
data). Sorted by validation NLL, best first. Works on a run that is still going or was
interrupted: then it ranks the networks trained so far (and says so on stderr).

  RUN              the run: its id (a folder under --runs-dir) or its folder (also --run RUN)
  --sort COLUMN    sort by a column (ascending; empty values last):
                   ${LEADERBOARD_COLUMNS.join(', ')}
  --desc           descending
  --method LIST    only these methods, e.g. rs,re
  --all            also the failed trials (status failed, with their reason) and those proposed
                   but not finished yet (status unfinished)
  --json           a JSON array of rows (pandas.read_json / DataFrame(json.load(...)))
  --csv            CSV with a header row (pandas.read_csv); ensembles as "2;3"
  --runs-dir DIR   where run folders are (default: runs)`;

export async function leaderboardCommand(args: string[]): Promise<number> {
  const { flags, operands } = parseFlagsAndOperands('leaderboard', args, {
    run: { type: 'string' },
    sort: { type: 'string' },
    desc: { type: 'boolean' },
    method: { type: 'string' },
    all: { type: 'boolean' },
    json: { type: 'boolean' },
    csv: { type: 'boolean' },
    'runs-dir': { type: 'string' },
  });
  if (flags.help) {
    console.log(leaderboardHelp);
    return 0;
  }
  if (flags.json && flags.csv) throw new UsageError('nes leaderboard: --json and --csv exclude each other; pick one');
  const run = findRun(runOperand('leaderboard', flags.run, operands), flags['runs-dir']);
  const snapshot = readRunSnapshot(run.dir, { severities: 'clean' });
  const methods = flags.method?.split(',').map((m) => m.trim());
  const rows = leaderboardRows(snapshot, {
    all: flags.all,
    methods,
    sort: flags.sort,
    descending: flags.desc,
  });
  const { status } = snapshot;
  if (snapshot.partial) {
    // On stderr, so that --json and --csv stay parseable.
    console.error(`partial: run ${run.id} is ${status.state}; ${status.trained} of ${status.planned} networks trained so far`);
  }
  if (flags.json) console.log(JSON.stringify(rows, null, 2));
  else if (flags.csv) process.stdout.write(leaderboardCsv(rows));
  else {
    console.log(leaderboardTable(rows, { showStatus: flags.all }));
    const hidden = (methods ?? Object.keys(snapshot.results.methods)).reduce((sum, method) => sum + snapshot.results.methods[method]!.failed.length, 0);
    if (!flags.all && hidden > 0) console.log(`\n${hidden} failed trial(s) not listed; --all lists them with their reason`);
  }
  return 0;
}
