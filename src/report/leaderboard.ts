/**
 * The leaderboard of a run (AutoGluon's leaderboard(), Optuna's trials_dataframe()): one flat row
 * per trial of every method, with where it came from, what it cost, how good it is on its own and
 * which chosen ensembles it is in. Rows are plain JSON, the same columns in the table, --json and
 * --csv, so that pandas reads either into the same DataFrame.
 */
import type { JournaledTrial } from '../run/journal.js';
import { memberEpochs } from '../run/member-files.js';
import { genotypeId } from '../space/id.js';
import { NesInputError } from '../util/errors.js';
import type { RunSnapshot } from './run-snapshot.js';

export interface LeaderboardRow {
  method: string;
  trialId: number;
  /** finished: trained and evaluated; failed: gave up after its attempts; unfinished: proposed, no result yet. */
  status: 'finished' | 'failed' | 'unfinished';
  genotypeId: string;
  /**
   * random, mutation (NES-RE's child of `parent`), fixed (a DeepEns seed) or promotion (a
   * multi-fidelity leg continuing leg `parent`); unknown when the journal lacks the proposal.
   */
  origin: JournaledTrial['origin']['source'] | 'unknown';
  parent: number | null;
  /** The mutation of a child: identity, op or input; and the cell it changed. */
  mutation: string | null;
  mutatedCell: string | null;
  seed: number;
  /** Multi-fidelity methods: the network this leg trains (its first leg's trial id) and the ladder's rung it reaches; else null. */
  network: number | null;
  rung: number | null;
  /** Epochs of the schedule the model has when the trial ends: its rung's, else the whole schedule. */
  epochs: number;
  trainSeconds: number | null;
  predictSeconds: number | null;
  validationNll: number | null;
  validationError: number | null;
  validationEce: number | null;
  testNll: number | null;
  testError: number | null;
  testEce: number | null;
  /** Sizes M of the method's ensembles that contain it (selected and tested on clean data). */
  ensembles: number[];
  /** Why a failed trial failed. */
  reason: string | null;
}

export const LEADERBOARD_COLUMNS = [
  'method', 'trialId', 'status', 'genotypeId', 'origin', 'parent', 'mutation', 'mutatedCell', 'seed', 'network', 'rung', 'epochs',
  'trainSeconds', 'predictSeconds', 'validationNll', 'validationError', 'validationEce', 'testNll', 'testError', 'testEce',
  'ensembles', 'reason',
] as const satisfies readonly (keyof LeaderboardRow)[];

export type LeaderboardColumn = (typeof LEADERBOARD_COLUMNS)[number];

export class LeaderboardError extends NesInputError {
  override name = 'LeaderboardError';
}

export interface LeaderboardOptions {
  /** Also failed and unfinished trials (default: the trained members only). */
  all?: boolean;
  /** Only these methods. */
  methods?: string[];
  sort?: string;
  descending?: boolean;
}

export function leaderboardRows(snapshot: RunSnapshot, options: LeaderboardOptions = {}): LeaderboardRow[] {
  const { results } = snapshot;
  const known = Object.keys(results.methods);
  for (const method of options.methods ?? []) {
    if (!known.includes(method)) throw new LeaderboardError(`run ${results.run} has no method "${method}"; it has: ${known.join(', ')}`);
  }
  const sort = options.sort ?? 'validationNll';
  if (!(LEADERBOARD_COLUMNS as readonly string[]).includes(sort)) {
    throw new LeaderboardError(`--sort "${sort}" is not a column; use one of ${LEADERBOARD_COLUMNS.join(', ')}`);
  }
  const rows: LeaderboardRow[] = [];
  for (const method of options.methods ?? known) {
    const entry = results.methods[method]!;
    const metrics = new Map(entry.pool.map((m) => [m.trialId, m]));
    const failures = new Map(entry.failed.map((f) => [f.trialId, f]));
    const inEnsembles = new Map<number, number[]>();
    for (const ensemble of entry.ensembles) {
      if ((ensemble.severity ?? 0) !== 0) continue;
      for (const trialId of new Set(ensemble.members)) inEnsembles.set(trialId, [...(inEnsembles.get(trialId) ?? []), ensemble.size]);
    }
    const proposed = new Map((snapshot.trials.get(method) ?? []).map((r) => [r.trial.id, r.trial]));
    // A pool member whose proposal the journal lacks (a results.json from elsewhere) is listed all the same.
    const trials: (JournaledTrial | (Omit<JournaledTrial, 'origin'> & { origin: { source: 'unknown' } }))[] = [
      ...proposed.values(),
      ...entry.pool
        .filter((m) => !proposed.has(m.trialId))
        .map((m) => ({ id: m.trialId, genotype: m.genotype, seed: m.seed, origin: { source: 'unknown' as const }, ...(m.fidelity ? { fidelity: { rung: m.fidelity.rung, epochs: m.fidelity.epochs } } : {}) })),
    ];
    for (const trial of trials) {
      const member = metrics.get(trial.id);
      const failure = failures.get(trial.id);
      const status = member ? 'finished' : failure ? 'failed' : 'unfinished';
      if (status !== 'finished' && !options.all) continue;
      const origin = trial.origin;
      rows.push({
        method,
        trialId: trial.id,
        status,
        genotypeId: member?.genotypeId ?? genotypeId(trial.genotype),
        origin: origin.source,
        parent: origin.source === 'mutation' ? origin.parent : origin.source === 'promotion' ? origin.from : null,
        mutation: origin.source === 'mutation' ? origin.mutation.kind : null,
        mutatedCell: origin.source === 'mutation' ? origin.mutation.cell : null,
        seed: trial.seed,
        network: member?.fidelity?.network ?? (origin.source === 'promotion' ? origin.network : trial.fidelity ? trial.id : null),
        rung: trial.fidelity?.rung ?? null,
        epochs: memberEpochs(trial, results.training.epochs),
        trainSeconds: member?.seconds ?? null,
        predictSeconds: member?.predictSeconds ?? null,
        validationNll: member?.validation.nll ?? null,
        validationError: member?.validation.error ?? null,
        validationEce: member?.validation.ece ?? null,
        testNll: member?.test.nll ?? null,
        testError: member?.test.error ?? null,
        testEce: member?.test.ece ?? null,
        ensembles: (inEnsembles.get(trial.id) ?? []).sort((a, b) => a - b),
        reason: failure?.reason ?? null,
      });
    }
  }
  return sortRows(rows, sort as LeaderboardColumn, options.descending ?? false);
}

/** Stable sort on one column; empty values (null, no ensembles) last in either direction. */
function sortRows(rows: LeaderboardRow[], column: LeaderboardColumn, descending: boolean): LeaderboardRow[] {
  const key = (row: LeaderboardRow): number | string | null => {
    const value = row[column];
    if (Array.isArray(value)) return value.length === 0 ? null : value[0]!;
    return value;
  };
  return rows
    .map((row, index) => ({ row, index, value: key(row) }))
    .sort((a, b) => {
      if (a.value === null || b.value === null) return a.value === b.value ? a.index - b.index : a.value === null ? 1 : -1;
      const order = typeof a.value === 'number' && typeof b.value === 'number' ? a.value - b.value : String(a.value).localeCompare(String(b.value));
      return (descending ? -order : order) || a.index - b.index;
    })
    .map(({ row }) => row);
}

/** RFC 4180 CSV with a header: what pandas.read_csv reads without options (empty cell = NaN). */
export function leaderboardCsv(rows: LeaderboardRow[]): string {
  const cell = (value: LeaderboardRow[LeaderboardColumn]) => {
    const text = value === null ? '' : Array.isArray(value) ? value.join(';') : String(value);
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [LEADERBOARD_COLUMNS.join(','), ...rows.map((row) => LEADERBOARD_COLUMNS.map((c) => cell(row[c])).join(','))].join('\n') + '\n';
}

/** The readable table for the terminal: fewer columns, rounded, origins in words. */
export function leaderboardTable(rows: LeaderboardRow[], options: { showStatus?: boolean } = {}): string {
  const n = (value: number | null, digits = 4) => (value === null ? '–' : value.toFixed(digits));
  // Rung and epochs only where a multi-fidelity method ran: elsewhere every row trained the whole schedule.
  const legs = rows.some((row) => row.rung !== null);
  const header = ['method', 'trial', ...(options.showStatus ? ['status'] : []), 'genotype', 'origin', 'seed', ...(legs ? ['rung', 'epochs'] : []), 'train s', 'pred s', 'val NLL', 'test NLL', 'error %', 'ECE', 'in ensembles'];
  const body = rows.map((row) => [
    row.method,
    String(row.trialId),
    ...(options.showStatus ? [row.status] : []),
    row.genotypeId,
    originText(row),
    String(row.seed),
    ...(legs ? [row.rung === null ? '–' : String(row.rung), String(row.epochs)] : []),
    n(row.trainSeconds, 1),
    n(row.predictSeconds, 1),
    n(row.validationNll),
    n(row.testNll),
    row.testError === null ? '–' : (100 * row.testError).toFixed(2),
    n(row.testEce),
    row.reason !== null ? `failed: ${row.reason}` : row.ensembles.length > 0 ? `M=${row.ensembles.join(',')}` : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const numeric = new Set(['trial', 'seed', 'rung', 'epochs', 'train s', 'pred s', 'val NLL', 'test NLL', 'error %', 'ECE']);
  const line = (cells: string[]) =>
    cells.map((c, i) => (numeric.has(header[i]!) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

function originText(row: LeaderboardRow): string {
  if (row.origin === 'mutation') return `mutation of ${row.parent} (${row.mutation}, ${row.mutatedCell})`;
  if (row.origin === 'promotion') return `promotion of ${row.parent}`;
  return row.origin;
}
