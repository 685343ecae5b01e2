import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { resolveConfigPaths } from '../run/config-paths.js';
import { looksLikePath } from '../space/paths.js';
import { readRunResults } from '../export/run-results.js';
import { readJournal } from '../run/journal-reader.js';
import { isRunDone, runCompletion } from '../run/run-completion.js';
import { readRunConfig } from '../run/run-config.js';
import { plannedNetworks } from '../run/method-rules.js';
import { formatDuration } from '../search/cost-estimate.js';
import { loadConfiguredDataset } from '../data/configured-dataset.js';
import { readConfigFile, resolveConfig } from '../run/config.js';
import { findRun } from '../run/run-folder.js';
import { runSearch } from '../search/run-search.js';
import { loadConfigInputs } from '../search/config-inputs.js';
import { initEngine, type ActiveEngine, type EngineChoice } from '../train/engine.js';
import type { NesConfig } from '../run/config.js';
import type { RunFolder } from '../run/run-folder.js';
import type { SearchResults } from '../search/results.js';
import { hoursFlag, intFlag, intListFlag, parseFlags, secondsFlag } from './args.js';
import { UsageError } from './usage-error.js';
import { createProgress } from './progress.js';
import type { SearchProgress } from '../search/progress.js';
import { printSummary } from './summary.js';
import { writeReport } from '../report/write-report.js';
import { liveReport } from './live-report.js';
import { acquireRunLock, refuseIfLive } from '../run/run-lock.js';

export const searchHelp = `Usage: nes search [--config FILE] [flags]
       nes search --resume RUN [--budget K2] [--max-hours H] [--workers W] [--backend ENGINE]
                  [--redis-timeout S] [--quiet]

Trains candidate networks, selects ensembles by validation NLL and evaluates them on test data.
Flags override the config file; every setting has a default (see README, "Configuration").

  --config FILE        JSON config (validated; unknown keys are errors)
  --method LIST        comma-separated methods: rs, re, deepens, deepens-rs, deepens-es, and the
                       multi-fidelity rs-sh, re-sh (successive halving over config fidelity.epochs)
  --budget K           networks trained per method (rs-sh, re-sh: the epochs of K full
                       trainings, spent on legs of the ladder); with --resume, a larger K2 grows the study:
                       the same optimizer goes on (RS sampling, RE evolving) and the ensembles
                       are selected again on the whole pool (also for a finished run; never smaller)
  --max-hours H        no training starts after H hours (e.g. 0.5) of this invocation; running
                       ones finish and the run ends with what it has; --resume goes on
                       (execution.timeLimitSeconds; counted anew by each start or resume)
  --sizes LIST         ensemble sizes M, e.g. 3,5,10
  --epochs E           training epochs per network
  --batch-size B       training batch size
  --space NAME|FILE    search space: darts, nb201 or a path to a space JSON
  --data-dir DIR       folder with the official Fashion-MNIST files (default: embedded subset), or
                       the CIFAR-10 / CIFAR-100 binary release for dataset.name cifar10 / cifar100
  --severities LIST    shift severities evaluated, with 0 (clean), e.g. 0,3,5 (default 0,1,2,3,4,5)
  --selection NAME     ensemble selection: forward (ForwardSelect; default), caruana or top
  --anytime-step N     redo the selection on the first N, 2N, … networks for the budget curve
  --train-limit N      use a seeded, class-stratified sample of N training images
  --test-data-dir DIR  the CIFAR-10-C / CIFAR-100-C release: test shift read from it instead of
                       generated (shift.testDataDir)
  --workers W          parallel trainings (default: one per CPU core); with redis: trainings kept
                       queued or running (default 4; set it to the total worker slots)
  --executor NAME      local (threads on this machine; default) or redis (nes worker processes anywhere)
  --redis URL          queue for --executor redis: redis://[user:password@]host:port[/db],
                       rediss:// for TLS (implies --executor redis)
  --redis-timeout S    with redis: stop the search (resumable, exit code 2) when Redis does not
                       answer for S seconds (execution.redisTimeoutSeconds, default 60)
  --backend ENGINE     auto, tfjs-node-gpu, webgpu, tfjs-node, wasm or cpu (default: auto)
  --seed S             seed of every random choice
  --runs-dir DIR       where run folders go (default: runs)
  --run-id ID          name of the run folder (default: time stamp + random suffix)
  --resume RUN         go on with an interrupted or time-limited run (its id under --runs-dir, or
                       its folder): replays its journal, keeps every finished training, retrains
                       only those that were in flight (config from the run)
  --quiet              no per-epoch lines
  -h, --help           this help`;

export async function searchCommand(args: string[]): Promise<number> {
  const flags = parseFlags('search', args, {
    config: { type: 'string' },
    method: { type: 'string' },
    budget: { type: 'string' },
    sizes: { type: 'string' },
    epochs: { type: 'string' },
    'batch-size': { type: 'string' },
    space: { type: 'string' },
    'data-dir': { type: 'string' },
    'train-limit': { type: 'string' },
    severities: { type: 'string' },
    selection: { type: 'string' },
    'anytime-step': { type: 'string' },
    'test-data-dir': { type: 'string' },
    workers: { type: 'string' },
    backend: { type: 'string' },
    seed: { type: 'string' },
    'runs-dir': { type: 'string' },
    'run-id': { type: 'string' },
    quiet: { type: 'boolean' },
    resume: { type: 'string' },
    executor: { type: 'string' },
    redis: { type: 'string' },
    'redis-timeout': { type: 'string' },
    'max-hours': { type: 'string' },
  });
  if (flags.help) {
    console.log(searchHelp);
    return 0;
  }
  if (flags.resume !== undefined) {
    const allowed = new Set(['resume', 'runs-dir', 'budget', 'max-hours', 'workers', 'backend', 'redis-timeout', 'quiet', 'help']);
    const extra = Object.keys(flags).filter((flag) => !allowed.has(flag));
    if (extra.length > 0) {
      throw new UsageError(
        `nes search --resume takes the config of the run; drop --${extra.join(', --')} (only --budget (to grow it), --max-hours, --workers, --backend, --redis-timeout and --quiet may change)`,
      );
    }
  }
  const resumed = flags.resume === undefined ? undefined : findRun(flags.resume, flags['runs-dir']);
  if (resumed) refuseIfLive(resumed.dir);
  // A config file names paths relative to itself; a run's config.json holds them absolute (runs
  // of older versions: relative to the folder they were started from, so they stay as they are).
  const fromFile = resumed
    ? readConfigFile(resumed.configPath)
    : flags.config
      ? resolveConfigPaths(readConfigFile(flags.config), dirname(resolve(flags.config)))
      : {};
  const raw = fromFile as Record<
    string,
    Record<string, unknown>
  >;
  const section = (name: string) => (raw[name] = { ...(raw[name] ?? {}) });
  const set = (target: Record<string, unknown>, key: string, value: unknown) => {
    if (value !== undefined) target[key] = value;
  };
  set(raw, 'methods', flags.method?.split(',').map((m) => m.trim()));
  set(raw, 'budget', intFlag('search', 'budget', flags.budget));
  set(raw, 'ensembleSizes', intListFlag('search', 'sizes', flags.sizes));
  set(raw, 'seed', intFlag('search', 'seed', flags.seed, 0));
  set(raw, 'space', flags.space !== undefined && looksLikePath(flags.space) ? resolve(flags.space) : flags.space);
  if (flags.epochs !== undefined) set(section('training'), 'epochs', intFlag('search', 'epochs', flags.epochs));
  if (flags['batch-size'] !== undefined) set(section('training'), 'batchSize', intFlag('search', 'batch-size', flags['batch-size']));
  if (flags['data-dir'] !== undefined) set(section('dataset'), 'dataDir', resolve(flags['data-dir']));
  if (flags['train-limit'] !== undefined) set(section('dataset'), 'trainLimit', intFlag('search', 'train-limit', flags['train-limit']));
  if (flags['test-data-dir'] !== undefined) set(section('shift'), 'testDataDir', resolve(flags['test-data-dir']));
  if (flags.severities !== undefined) set(section('shift'), 'severities', intListFlag('search', 'severities', flags.severities, 0));
  if (flags.selection !== undefined) set(section('selection'), 'method', flags.selection);
  if (flags['anytime-step'] !== undefined) set(section('evaluation'), 'anytimeStep', intFlag('search', 'anytime-step', flags['anytime-step']));
  if (flags.workers !== undefined) set(section('execution'), 'workers', intFlag('search', 'workers', flags.workers));
  if (flags.backend !== undefined) set(section('execution'), 'engine', flags.backend);
  if (flags.redis !== undefined) {
    set(section('execution'), 'redis', flags.redis);
    set(section('execution'), 'executor', flags.executor ?? 'redis');
  } else if (flags.executor !== undefined) set(section('execution'), 'executor', flags.executor);
  if (flags['redis-timeout'] !== undefined) set(section('execution'), 'redisTimeoutSeconds', secondsFlag('search', 'redis-timeout', flags['redis-timeout']));
  if (flags['max-hours'] !== undefined) set(section('execution'), 'timeLimitSeconds', hoursFlag('search', 'max-hours', flags['max-hours']));
  const config = resolveConfig(raw);
  const { results } = await executeSearch(config, {
    engine: await chooseEngine(config.execution.engine),
    runsDir: flags['runs-dir'] ?? 'runs',
    runId: flags['run-id'],
    resume: resumed,
    quiet: flags.quiet,
  });
  return reportAllFailed(results) ? 1 : 0;
}

/** A search in which no network trained is a failure, whatever else went well: say why (issue 19, item 8). */
export function reportAllFailed(results: SearchResults): boolean {
  const methods = Object.values(results.methods);
  // No member and no failure: a time limit ended the run before any training (said on its own line).
  if (methods.some((m) => m.pool.length > 0) || methods.every((m) => m.failed.length === 0)) return false;
  const reasons = new Map<string, number>();
  for (const failure of methods.flatMap((m) => m.failed)) reasons.set(failure.reason, (reasons.get(failure.reason) ?? 0) + 1);
  console.error(`nes: every trial failed (${[...reasons.values()].reduce((a, b) => a + b, 0)}), so there is no ensemble:`);
  for (const [reason, count] of reasons) console.error(`  ${count} × ${reason}`);
  return true;
}

/** report.html is refreshed as members finish, at most this often (seconds). */
const LIVE_REPORT_SECONDS = 30;

/** Runs one search the way `nes search` does (data, run folder, progress, summary, report). */
export async function executeSearch(
  config: NesConfig,
  options: {
    engine: ActiveEngine;
    runsDir: string;
    runId?: string;
    resume?: RunFolder;
    quiet?: boolean;
    /** The command that goes on after Ctrl-C (default: nes search --resume <run folder>). */
    resumeCommand?: (run: RunFolder) => string;
  },
): Promise<{ run: RunFolder; results: SearchResults }> {
  const finished = options.resume && finishedAt(options.resume, config.budget);
  if (options.resume && finished) {
    console.log(`run ${options.resume.id} finished at ${finished}: nothing to resume, nothing trained (--budget K2 grows it)`);
    const results = readRunResults(options.resume.dir);
    printSummary(results);
    console.log(`\nresults: ${options.resume.resultsPath}\nreport:  ${join(options.resume.dir, 'report.html')}`);
    return { run: options.resume, results };
  }
  // A run another process is searching right now is refused before anything is loaded or touched.
  let lock = options.resume && acquireRunLock(options.resume.dir);
  try {
    return await searchLocked(config, options, (run) => (lock ??= acquireRunLock(run.dir)));
  } finally {
    lock?.release();
  }
}

/** executeSearch once the run is (or, for a new run, will be as soon as it exists) locked by `lockRun`. */
async function searchLocked(
  config: NesConfig,
  options: Parameters<typeof executeSearch>[1],
  lockRun: (run: RunFolder) => void,
): Promise<{ run: RunFolder; results: SearchResults }> {
  const inputs = loadConfigInputs(config);
  const dataset = loadConfiguredDataset(config.dataset, config.seed, { shared: true });
  console.log(
    `data: ${dataset.name}, ${dataset.train.count} train / ${dataset.validation.count} validation / ${dataset.test.count} test images` +
      (config.dataset.name === 'npy' ? ' (.npy files)' : config.dataset.dataDir ? ` from ${config.dataset.dataDir}` : ' (embedded subset)') +
      (config.shift.testDataDir ? `; test shift from ${config.shift.testDataDir}` : ''),
  );
  const progress = createProgress({ quiet: options.quiet });
  const stopOnInterrupt = (run: RunFolder) => interruptible(run, progress, options.resumeCommand?.(run) ?? `nes search --resume ${run.dir}`);
  let release: (() => void) | undefined;
  let runDir: string | undefined;
  const live = liveReport(async () => runDir && writeReport(runDir), {
    intervalSeconds: LIVE_REPORT_SECONDS,
    warn: (line) => progress.log(line),
  });
  const { run, results, timeLimited } = await runSearch({
    config,
    dataset,
    inputs,
    engine: options.engine.engine,
    engineDevice: options.engine.device,
    runsDir: resolve(options.runsDir),
    runId: options.runId,
    resume: options.resume,
    progress,
    onRunOpened: (opened) => {
      runDir = opened.dir;
      lockRun(opened);
      release = stopOnInterrupt(opened);
    },
    sinks: [live.sink],
  }).finally(() => release?.());
  await live.idle();
  printSummary(results);
  const report = await writeReport(run.dir);
  console.log(`\nresults: ${run.resultsPath}\nreport:  ${report}`);
  if (timeLimited) console.log(timeLimitLine(config, results, options.resumeCommand?.(run) ?? `nes search --resume ${run.dir} --max-hours H`));
  return { run, results };
}

/** The one line that says the time limit ended the run short of its budget, and how to go on. */
function timeLimitLine(config: NesConfig, results: SearchResults, resumeCommand: string): string {
  const trained = Object.values(results.methods).reduce((sum, method) => sum + method.pool.length + method.failed.length, 0);
  const budget = config.methods.reduce((sum, method) => sum + plannedNetworks(method, config), 0);
  const limit = formatDuration(config.execution.timeLimitSeconds ?? 0);
  return `stopped by the time limit (${limit}): ${trained} of ${budget} networks trained, results and report from those; go on with:  ${resumeCommand}`;
}

/**
 * Ctrl-C (SIGINT) or SIGTERM: the journal is written and fsynced event by event and member files
 * are renamed into place before their event, so the run folder is consistent at every moment.
 * Stopping at once loses only the trainings in flight, which a resume retrains; what is printed
 * is the command that goes on (issue 20, item 7). Returns the function that removes the handlers.
 */
function interruptible(run: RunFolder, progress: SearchProgress, resumeCommand: string): () => void {
  const stop = (signal: NodeJS.Signals) => {
    progress.stop();
    console.error(`\n${signal}: search stopped; finished networks are kept, those in training are retrained on resume.`);
    console.error(`go on with:  ${resumeCommand}`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return () => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  };
}

/**
 * When the run is done (results written after its whole budget trained, the budget not grown
 * now): the time of its run-finished event. A run the time limit stopped is not done.
 */
function finishedAt(run: RunFolder, budget: number): string | undefined {
  if (!existsSync(run.resultsPath)) return undefined;
  if ((readRunConfig(run)?.budget ?? budget) !== budget) return undefined;
  const completion = runCompletion(readJournal(run.journalPath));
  return isRunDone(completion) ? completion.finishedAt : undefined;
}

/** Initialises the engine in this process too (to resolve "auto") and prints one line about it. */
export async function chooseEngine(requested: EngineChoice): Promise<ActiveEngine> {
  const skipped: string[] = [];
  try {
    const chosen = await initEngine(requested, (event) => {
      if (event.kind === 'unavailable') skipped.push(event.engine);
    });
    const how = requested === 'auto' ? `chosen automatically${skipped.length ? `; unavailable: ${skipped.join(', ')}` : ''}` : 'forced';
    console.log(`engine: ${chosen.engine}${chosen.device ? ` on ${chosen.device}` : ''} (${how})`);
    return chosen;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
