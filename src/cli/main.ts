#!/usr/bin/env node
import { NES_VERSION } from '../version.js';
import { reportError } from './report-error.js';
import { searchCommand, searchHelp } from './search-command.js';
import { selectCommand, selectHelp } from './select-command.js';
import { metricsCommand, metricsHelp } from './metrics-command.js';
import { exportCommand, exportHelp } from './export-command.js';
import { predictCommand, predictHelp } from './predict-command.js';
import { reportCommand, reportHelp } from './report-command.js';
import { serveCommand, serveHelp } from './serve-command.js';
import { corruptCommand, corruptHelp } from './corrupt-command.js';
import { workerCommand, workerHelp } from './worker-command.js';
import { compareCommand, compareHelp } from './compare-command.js';
import { experimentCommand, experimentHelp } from './experiment-command.js';
import { leaderboardCommand, leaderboardHelp } from './leaderboard-command.js';
import { runsCommand, runsHelp } from './runs-command.js';
import { UsageError } from './usage-error.js';

const verbs: Record<string, { run: (args: string[]) => Promise<number>; help: string; summary: string }> = {
  search: { run: searchCommand, help: searchHelp, summary: 'search for an ensemble: train candidates, select, evaluate' },
  experiment: { run: experimentCommand, help: experimentHelp, summary: 'run a config once per seed, then compare the runs' },
  compare: { run: compareCommand, help: compareHelp, summary: 'aggregate runs over seeds: mean ± SE table, JSON, HTML page' },
  select: { run: selectCommand, help: selectHelp, summary: 'ensemble selection for any pool of predictions (.npy)' },
  export: { run: exportCommand, help: exportHelp, summary: 'write a chosen ensemble as a self-contained folder' },
  predict: { run: predictCommand, help: predictHelp, summary: 'predict with an exported ensemble (.npy), with uncertainty' },
  report: { run: reportCommand, help: reportHelp, summary: 'write runs/<id>/report.html (partial while a run goes on)' },
  leaderboard: { run: leaderboardCommand, help: leaderboardHelp, summary: 'every trained network of a run, ranked: table, --json, --csv' },
  runs: { run: runsCommand, help: runsHelp, summary: 'list the runs in runs/ with status: running, finished, interrupted' },
  serve: { run: serveCommand, help: serveHelp, summary: 'serve a run\'s report on 127.0.0.1, reloading as the run goes on' },
  corrupt: { run: corruptCommand, help: corruptHelp, summary: 'write a corrupted copy of a data set (.npy, CIFAR-10-C layout)' },
  worker: { run: workerCommand, help: workerHelp, summary: 'train candidates for a search on other machines (Redis queue)' },
  metrics: { run: metricsCommand, help: metricsHelp, summary: 'NLL, error, ECE, Brier, diversity of predictions (.npy)' },
};

const mainHelp = `nes ${NES_VERSION}: Neural Ensemble Search

Usage: nes <verb> [flags]     (nes <verb> --help or nes help <verb> for its flags)

${Object.entries(verbs)
  .map(([name, verb]) => `  ${name.padEnd(12)} ${verb.summary}`)
  .join('\n')}

  --version   print the version
  -h, --help  this help`;

async function main(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === 'help' && rest[0] !== undefined && verbs[rest[0]]) {
    console.log(verbs[rest[0]]!.help);
    return 0;
  }
  if (verb === undefined || verb === '--help' || verb === '-h' || verb === 'help') {
    console.log(mainHelp);
    return 0;
  }
  if (verb === '--version') {
    console.log(NES_VERSION);
    return 0;
  }
  const command = verbs[verb];
  if (!command) throw new UsageError(`unknown verb "${verb}"; use one of ${Object.keys(verbs).join(', ')} (nes --help)`);
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.exitCode = reportError(error);
  },
);
