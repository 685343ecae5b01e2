import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { RunFolderError } from '../run/run-folder.js';
import { listRuns, type RunStatus } from '../run/run-status.js';
import { parseFlagsAndOperands } from './args.js';
import { UsageError } from './usage-error.js';

export const runsHelp = `Usage: nes runs [DIR] [--json]

Lists every run under DIR (default: runs; the runs of \`nes experiment\`, DIR/<name>/seed-<S>,
too) with its status, read from the run's files, not guessed:
  running      a process is searching it now: its lock (runs/<id>/run.lock: pid, host, start
               time) has a heartbeat less than a minute old and, on this host, the process exists
  finished     results.json is written
  time-limited results.json is written, but the time limit stopped it short of its budget:
               nes search --resume goes on with it
  interrupted  neither (killed, crashed, Ctrl-C): nes search --resume goes on with it
  unreadable   its config.json or journal cannot be read (the detail says why)
Columns: id, status, methods, networks trained / planned (failed ones in brackets), the best
ensemble's test NLL (finished runs: the ensemble nes export picks, best validation NLL at
severity 0), start time (UTC) and time searched (pauses between a kill and its resume left out).

  --json   a JSON array, one object per run, with every detail (per-method counts, the lock)`;

export async function runsCommand(args: string[]): Promise<number> {
  const { flags, operands } = parseFlagsAndOperands('runs', args, { json: { type: 'boolean' } });
  if (flags.help) {
    console.log(runsHelp);
    return 0;
  }
  if (operands.length > 1) throw new UsageError(`nes runs: one folder at a time, got ${operands.join(' ')}`);
  const dir = operands[0] ?? 'runs';
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new RunFolderError(`${resolve(dir)}: no such folder; name the folder that holds the runs (nes runs DIR)`);
  }
  const runs = listRuns(dir);
  if (flags.json) {
    console.log(JSON.stringify(runs, null, 2));
    return 0;
  }
  if (runs.length === 0) {
    console.log(`no runs in ${resolve(dir)}`);
    return 0;
  }
  console.log(runsTable(runs));
  return 0;
}

function runsTable(runs: RunStatus[]): string {
  const header = ['id', 'status', 'methods', 'networks', 'best NLL', 'started (UTC)', 'duration'];
  const body = runs.map((run) => [
    run.id,
    run.state,
    run.methods.join(','),
    `${run.trained}/${run.planned}${run.failed > 0 ? ` (${run.failed} failed)` : ''}`,
    run.best ? `${run.best.testNll.toFixed(4)} (${run.best.method}, M=${run.best.size})` : '–',
    run.startedAt ? run.startedAt.replace('T', ' ').slice(0, 19) : '–',
    run.seconds === undefined ? '–' : duration(run.seconds),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const notes = runs.filter((run) => run.state === 'unreadable').map((run) => `${run.id}: ${run.detail}`);
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line), ...(notes.length ? ['', ...notes] : [])].join('\n');
}

/** 42 s, 3 min 05 s, 2 h 07 min. */
function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}
