/** Aggregates repeats of one experiment (runs that differ only in the seed) into mean ± SE. */
import { basename } from 'node:path';
import type { SearchResults } from '../run/results-types.js';
import { NES_VERSION } from '../version.js';
import { anytimeByEpochs, computeRows, type ComputeRow, type EpochsAnytimePoint } from './compute.js';
import type { ComparedRun } from './runs.js';
import { meanSe, type MeanSe } from './statistics.js';

/** Ensemble metrics compared across seeds (test data). */
export const ENSEMBLE_METRICS = ['nll', 'error', 'ece', 'brier', 'oracleNll', 'disagreement'] as const;
export type EnsembleMetric = (typeof ENSEMBLE_METRICS)[number];
/** Methods whose ensembles are the first M seeds of one architecture, not a selection. */
const FIXED_MEMBERS = new Set(['deepens', 'deepens-rs']);
const MEMBER_METRICS = ['nll', 'error', 'ece', 'brier'] as const;

export interface EnsembleRow {
  method: string;
  size: number;
  /** Severity of the test data. */
  severity: number;
  /** Severity of the validation data the ensembles were selected on. */
  selectedOnSeverity: number;
  metrics: Record<EnsembleMetric, MeanSe>;
}

export interface Comparison {
  format: 'nes-compare';
  formatVersion: 1;
  nesVersion: string;
  runs: { run: string; dir: string; seed: number; seconds: number; engine: SearchResults['engine'] }[];
  seeds: number[];
  /** The config every run shares (seed and execution left out). */
  config: Record<string, unknown>;
  dataset: SearchResults['dataset'];
  methods: string[];
  /** Selected on validation data at severity s, tested at s. */
  ensembles: EnsembleRow[];
  /** Selected on clean validation data, tested at s > 0. */
  cleanSelection: EnsembleRow[];
  /**
   * Value of shift-aware selection (methods that select: rs, re, deepens-es), per seed: test NLL of the clean-selected ensemble minus that of
   * the ensemble selected at s (positive: selecting on shifted validation data helped).
   */
  shiftAwareGain: { method: string; size: number; severity: number; nll: MeanSe }[];
  /** The best single network by validation NLL, tested at each severity. */
  bestMember: { method: string; severity: number; metrics: Record<(typeof MEMBER_METRICS)[number], MeanSe> }[];
  /** Clean test metrics of the ensemble selected among the first n networks (the budget curve). */
  anytime: { method: string; size: number; networks: number; testNll: MeanSe; testError: MeanSe; testEce: MeanSe }[];
  /** The same curves on the compute axis, epochs trained (compute.ts). */
  anytimeByEpochs: EpochsAnytimePoint[];
  /** What each method spent: epochs, training and predicting seconds, networks. */
  compute: ComputeRow[];
}

type Ensemble = SearchResults['methods'][string]['ensembles'][number];

/** Values grouped by a string key, in first-seen order. */
function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

function ensembleRows(runs: ComparedRun[], pick: (results: SearchResults, method: string) => Ensemble[], methods: string[]): EnsembleRow[] {
  const all = runs.flatMap((run) => methods.flatMap((method) => (run.results.methods[method] ? pick(run.results, method) : [])));
  const groups = groupBy(all, (e) => `${e.method}|${e.size}|${e.severity}`);
  return [...groups.values()]
    .map((group) => {
      const first = group[0]!;
      const metrics = Object.fromEntries(ENSEMBLE_METRICS.map((m) => [m, meanSe(group.map((e) => e.test[m]))])) as EnsembleRow['metrics'];
      return { method: first.method, size: first.size, severity: first.severity, selectedOnSeverity: first.selectedOnSeverity, metrics };
    })
    .sort(byMethodSizeSeverity(methods));
}

const byMethodSizeSeverity =
  (methods: string[]) =>
  (a: { method: string; size: number; severity: number }, b: { method: string; size: number; severity: number }) =>
    methods.indexOf(a.method) - methods.indexOf(b.method) || a.size - b.size || a.severity - b.severity;

export function compareRuns(runs: ComparedRun[]): Comparison {
  if (runs.length === 0) throw new RangeError('compareRuns needs at least one run');
  const first = runs[0]!;
  const methods = first.config.methods.filter((m) => runs.some((run) => run.results.methods[m]));
  const ensembles = ensembleRows(runs, (r, m) => r.methods[m]!.ensembles, methods);
  const cleanSelection = ensembleRows(runs, (r, m) => r.methods[m]!.cleanSelection ?? [], methods);

  // DeepEns and DeepEns (RS) take the first M seeds: they select nothing, so there is no gain to show.
  const selecting = methods.filter((m) => !FIXED_MEMBERS.has(m));
  const gains = runs.flatMap((run) =>
    selecting.flatMap((method) => {
      const entry = run.results.methods[method];
      if (!entry) return [];
      return (entry.cleanSelection ?? []).flatMap((clean) => {
        const aware = entry.ensembles.find((e) => e.size === clean.size && e.severity === clean.severity);
        return aware ? [{ method, size: clean.size, severity: clean.severity, gain: clean.test.nll - aware.test.nll }] : [];
      });
    }),
  );
  const shiftAwareGain = [...groupBy(gains, (g) => `${g.method}|${g.size}|${g.severity}`).values()]
    .map((group) => ({ method: group[0]!.method, size: group[0]!.size, severity: group[0]!.severity, nll: meanSe(group.map((g) => g.gain)) }))
    .sort(byMethodSizeSeverity(methods));

  const severities = first.config.shift.severities;
  const bestMember = methods.flatMap((method) =>
    severities.flatMap((severity) => {
      const values = runs.flatMap((run) => {
        const metrics = run.results.methods[method]?.bestMember?.testBySeverity[severity];
        return metrics ? [metrics] : [];
      });
      if (values.length === 0) return [];
      const metrics = Object.fromEntries(MEMBER_METRICS.map((m) => [m, meanSe(values.map((v) => v[m]))])) as Comparison['bestMember'][number]['metrics'];
      return [{ method, severity, metrics }];
    }),
  );

  const points = runs.flatMap((run) =>
    methods.flatMap((method) => (run.results.methods[method]?.anytime ?? []).filter((p) => (p.severity ?? 0) === 0).map((p) => ({ ...p, method }))),
  );
  const anytime = [...groupBy(points, (p) => `${p.method}|${p.size}|${p.networks}`).values()]
    .map((group) => ({
      method: group[0]!.method,
      size: group[0]!.size,
      networks: group[0]!.networks,
      testNll: meanSe(group.map((p) => p.testNll)),
      testError: meanSe(group.map((p) => p.testError)),
      testEce: meanSe(group.map((p) => p.testEce)),
    }))
    .sort((a, b) => methods.indexOf(a.method) - methods.indexOf(b.method) || a.size - b.size || a.networks - b.networks);

  const { seed: _seed, execution: _execution, ...config } = first.config;
  return {
    format: 'nes-compare',
    formatVersion: 1,
    nesVersion: NES_VERSION,
    runs: runs.map((run) => ({ run: run.results.run, dir: run.dir, seed: run.config.seed, seconds: run.results.seconds, engine: run.results.engine })),
    seeds: runs.map((run) => run.config.seed),
    config,
    dataset: first.results.dataset,
    methods,
    ensembles,
    cleanSelection,
    shiftAwareGain,
    bestMember,
    anytime,
    anytimeByEpochs: anytimeByEpochs(runs, methods),
    compute: computeRows(runs, methods),
  };
}

/** The paper's names for nes's methods. */
export function methodLabel(method: string, config: Record<string, unknown>): string {
  const genotype = (config.deepens as { genotype?: unknown } | undefined)?.genotype;
  const fixed = typeof genotype !== 'string' ? 'fixed' : /^darts/i.test(genotype) ? 'DARTS' : basename(genotype).replace(/\.json$/, '');
  const labels: Record<string, string> = {
    rs: 'NES-RS',
    re: 'NES-RE',
    deepens: `DeepEns (${fixed})`,
    'deepens-rs': 'DeepEns (RS)',
    'deepens-es': 'DeepEns+ES',
    'rs-sh': 'NES-RS (SH)',
    're-sh': 'NES-RE (SH)',
  };
  return labels[method] ?? method;
}
