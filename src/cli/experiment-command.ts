import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { resolveConfigPaths } from '../run/config-paths.js';
import { comparisonTable, computeTable, writeComparison } from '../compare/index.js';
import { describeDifferences, experimentDifferences } from '../compare/runs.js';
import { readConfigFile, resolveConfig, type NesConfig } from '../run/config.js';
import { openRun, runFolder } from '../run/run-folder.js';
import { intFlag, intListFlag, parseFlags, requireFlag } from './args.js';
import { chooseEngine, executeSearch, reportAllFailed } from './search-command.js';
import { loadConfigInputs } from '../search/config-inputs.js';
import { storedRunConfig } from '../search/stored-config.js';
import { UsageError } from './usage-error.js';

export const experimentHelp = `Usage: nes experiment --config FILE [--seeds 0,1,2] [--name NAME] [--runs-dir runs]
                      [--data-dir DIR] [--workers W] [--backend ENGINE] [--quiet]

Runs the config's search once per seed, into <runs-dir>/<name>/seed-<S> (one after another, each
on the whole farm), then compares them as \`nes compare <runs-dir>/<name>\` does: a table of mean ±
standard error over seeds, compare.json and compare.html in <runs-dir>/<name>. Run it again after
an interruption: finished seeds are kept, an interrupted one is resumed from its journal.

  --config FILE      the experiment: every method, budget and setting of \`nes search\`'s config
  --seeds LIST       seeds of the repeats (default: 0,1,2)
  --name NAME        folder of the experiment's runs (default: the config file's name)
  --runs-dir DIR     where that folder goes (default: runs)
  --data-dir DIR     the official data files (Fashion-MNIST, CIFAR), as in nes search
  --workers W        parallel trainings (default: one per CPU core)
  --backend ENGINE   auto, tfjs-node-gpu, webgpu, tfjs-node, wasm or cpu (default: auto)
  --quiet            no per-epoch lines`;

export async function experimentCommand(args: string[]): Promise<number> {
  const flags = parseFlags('experiment', args, {
    config: { type: 'string' },
    seeds: { type: 'string' },
    name: { type: 'string' },
    'runs-dir': { type: 'string' },
    'data-dir': { type: 'string' },
    workers: { type: 'string' },
    backend: { type: 'string' },
    quiet: { type: 'boolean' },
  });
  if (flags.help) {
    console.log(experimentHelp);
    return 0;
  }
  const configPath = requireFlag('experiment', flags, 'config');
  const raw = resolveConfigPaths(readConfigFile(configPath), dirname(resolve(configPath))) as Record<string, unknown>;
  if (flags['data-dir'] !== undefined) raw.dataset = { ...((raw.dataset as Record<string, unknown> | undefined) ?? {}), dataDir: resolve(flags['data-dir']) };
  const seeds = intListFlag('experiment', 'seeds', flags.seeds, 0) ?? [0, 1, 2];
  if (new Set(seeds).size !== seeds.length) throw new UsageError(`nes experiment: --seeds lists a seed twice (${seeds.join(',')})`);
  const name = flags.name ?? basename(configPath).replace(/\.json$/i, '');
  const folder = resolve(flags['runs-dir'] ?? 'runs', name);
  runFolder(resolve(flags['runs-dir'] ?? 'runs'), name); // refuses names that could leave the runs folder
  const execution = (config: Record<string, unknown>) => {
    const section = { ...((config.execution as Record<string, unknown> | undefined) ?? {}) };
    if (flags.workers !== undefined) section.workers = intFlag('experiment', 'workers', flags.workers);
    if (flags.backend !== undefined) section.engine = flags.backend;
    return { ...config, execution: section };
  };

  const planned = seeds.map((seed) => ({ seed, config: resolveConfig(execution({ ...raw, seed })) }));
  const engine = await chooseEngine(planned[0]!.config.execution.engine);
  for (const { seed, config } of planned) {
    const run = runFolder(folder, `seed-${seed}`);
    if (existsSync(run.dir)) checkSameExperiment(run.configPath, storedRunConfig(config, loadConfigInputs(config).space));
    if (existsSync(run.resultsPath)) {
      console.log(`\nseed ${seed}: finished earlier (${run.dir})`);
      continue;
    }
    console.log(`\nseed ${seed}: ${existsSync(run.dir) ? 'resuming' : 'starting'} ${run.dir}`);
    const resume = existsSync(run.dir) ? openRun(run.dir) : undefined;
    const runConfig = resume ? resolveConfig(execution(readConfigFile(resume.configPath) as Record<string, unknown>)) : config;
    // After Ctrl-C the same command goes on: finished seeds are kept, this one resumes.
    const again = ['nes', 'experiment', ...args].map((arg) => (/^[\w./:=,@-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)).join(' ');
    const { results } = await executeSearch(runConfig, { engine, runsDir: folder, runId: run.id, resume, quiet: flags.quiet, resumeCommand: () => again });
    if (reportAllFailed(results)) return 1;
  }

  const { comparison, jsonPath, htmlPath } = await writeComparison(planned.map(({ seed }) => join(folder, `seed-${seed}`)), folder);
  console.log(`\n${comparison.runs.length} runs, seeds ${comparison.seeds.join(', ')}; mean ± standard error over seeds\n`);
  console.log(comparisonTable(comparison));
  console.log(`\ncompute (summed over workers):\n${computeTable(comparison)}`);
  console.log(`\ncomparison: ${jsonPath}\npage:       ${htmlPath}`);
  return 0;
}

/** An existing seed folder must hold the same experiment, or its results would be mixed in. */
function checkSameExperiment(configPath: string, config: NesConfig): void {
  if (!existsSync(configPath)) throw new UsageError(`nes experiment: ${configPath} is missing; that folder is not a nes run (move it away)`);
  const differences = experimentDifferences(JSON.parse(readFileSync(configPath, 'utf8')) as NesConfig, config);
  if (differences.length > 0) {
    throw new UsageError(
      `nes experiment: ${configPath} was made with another config: they differ in ${describeDifferences(differences)}; use another --name, or move the old runs away`,
    );
  }
}
