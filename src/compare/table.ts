/** The comparison as a plain-text table for the terminal. */
import { ENSEMBLE_METRICS, methodLabel, type Comparison, type EnsembleMetric } from './aggregate.js';
import type { MeanSe } from './statistics.js';

const HEADERS: Record<EnsembleMetric, string> = {
  nll: 'test NLL',
  error: 'error %',
  ece: 'ECE',
  brier: 'Brier',
  oracleNll: 'oracle NLL',
  disagreement: 'disagreement',
};

/** "0.2015 ± 0.0012"; percentages for error; "±–" when a single seed gives no standard error. */
export function formatMeanSe(value: MeanSe, percent = false, digits = percent ? 2 : 4): string {
  const scale = percent ? 100 : 1;
  const se = value.se === null ? '–' : (scale * value.se).toFixed(digits);
  return `${(scale * value.mean).toFixed(digits)} ± ${se}`;
}

export function comparisonTable(comparison: Comparison, severities?: number[]): string {
  const rows = comparison.ensembles.filter((row) => !severities || severities.includes(row.severity));
  const header = ['method', 'M', 'severity', ...ENSEMBLE_METRICS.map((m) => HEADERS[m])];
  const body = rows.map((row) => [
    methodLabel(row.method, comparison.config),
    String(row.size),
    String(row.severity),
    ...ENSEMBLE_METRICS.map((m) => formatMeanSe(row.metrics[m], m === 'error')),
  ]);
  return alignedText(header, body, 3);
}

/** Columns padded to their widest cell under a rule: the first `textColumns` left-aligned, numbers right. */
function alignedText(header: string[], body: string[][], textColumns: number): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < textColumns ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

/** What each method spent, per method: epochs, networks, training and predicting minutes (summed over workers). */
export function computeCells(comparison: Comparison): { header: string[]; body: string[][] } {
  const minutes = (value: MeanSe) => formatMeanSe({ ...value, mean: value.mean / 60, se: value.se === null ? null : value.se / 60 }, false, 1);
  return {
    header: ['method', 'epochs trained', 'networks', 'training min', 'predicting min'],
    body: comparison.compute.map((row) => [
      methodLabel(row.method, comparison.config),
      formatMeanSe(row.epochs, false, 1),
      formatMeanSe(row.networks, false, 1),
      minutes(row.trainSeconds),
      minutes(row.predictSeconds),
    ]),
  };
}

export function computeTable(comparison: Comparison): string {
  const { header, body } = computeCells(comparison);
  return alignedText(header, body, 1);
}
