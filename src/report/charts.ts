/** Vega-Lite specs of the report's plots; data inline, rendered to SVG by vega-svg.ts. */
import type { TopLevelSpec } from 'vega-lite';

export interface MetricRow {
  method: string;
  metric: 'NLL' | 'error' | 'ECE';
  value: number;
}

export const METRIC_ORDER = ['NLL', 'error', 'ECE'];

const FONT = 'Helvetica, Arial, sans-serif';
export const chartConfig = {
  font: FONT,
  view: { stroke: '#ddd' },
  axis: { labelFontSize: 10, titleFontSize: 11 },
  legend: { labelFontSize: 11, titleFontSize: 11 },
  title: { fontSize: 13, anchor: 'start' as const },
};

/** Colours fixed per method so every plot agrees. */
function methodColor(methods: string[]) {
  return { field: 'method', type: 'nominal' as const, title: 'method', scale: { domain: methods, scheme: 'tableau10' } };
}

/**
 * A y domain that does not blow tiny differences up to the full height (issue 20, item 16): the
 * axis spans at least MIN_RELATIVE_SPAN of the largest value, centred on the data.
 */
const MIN_RELATIVE_SPAN = 0.15;

export function readableDomain(values: number[]): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [0, 1];
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const minSpan = Math.max(MIN_RELATIVE_SPAN * Math.max(Math.abs(lo), Math.abs(hi)), 1e-6);
  if (hi - lo >= minSpan) {
    const pad = 0.05 * (hi - lo);
    return [Math.max(0, lo - pad), hi + pad];
  }
  const middle = (lo + hi) / 2;
  const low = Math.max(0, middle - minSpan / 2);
  return [low, low + minSpan];
}

const AXIS_FORMAT: Record<MetricRow['metric'], string> = { NLL: '.2f', error: '.1%', ECE: '.3f' };

/** NLL, error and ECE side by side, each with its own readable y domain, one line per method. */
function metricLines(
  title: string,
  rows: MetricRow[],
  methods: string[],
  x: Record<string, unknown>,
  point: boolean | { size: number },
): TopLevelSpec {
  const metrics = METRIC_ORDER.filter((metric) => rows.some((r) => r.metric === metric)) as MetricRow['metric'][];
  return {
    title,
    config: chartConfig,
    hconcat: metrics.map((metric) => {
      const values = rows.filter((r) => r.metric === metric);
      return {
        title: { text: metric, fontSize: 12, anchor: 'middle' },
        width: 300,
        height: 210,
        data: { values },
        mark: { type: 'line', point },
        encoding: {
          x: { type: 'quantitative', ...x },
          y: {
            field: 'value',
            type: 'quantitative',
            title: null,
            scale: { domain: readableDomain(values.map((r) => r.value)), zero: false, nice: true },
            axis: { format: AXIS_FORMAT[metric] },
          },
          color: methodColor(methods),
        },
      };
    }),
  } as TopLevelSpec;
}

/**
 * (a) Test metrics of the selected ensemble against what was trained so far: networks, or epochs
 * (the compute axis, for runs with multi-fidelity methods, whose trainings differ in length).
 */
export function anytimeSpec(rows: (MetricRow & { networks: number; epochs: number })[], methods: string[], size: number, axis: 'networks' | 'epochs' = 'networks'): TopLevelSpec {
  return metricLines(`Anytime performance, ensembles of M = ${size} (test)`, rows, methods, {
    field: axis,
    title: axis === 'networks' ? 'networks evaluated' : 'epochs trained (compute)',
    axis: { format: 'd', tickMinStep: 1 },
  }, true);
}

/** (b) Test metrics against shift severity. */
export function severitySpec(rows: (MetricRow & { severity: number })[], methods: string[], size: number): TopLevelSpec {
  return metricLines(`Dataset shift, ensembles of M = ${size} (test)`, rows, methods, {
    field: 'severity',
    title: 'shift severity',
    scale: { domain: [0, 5] },
    axis: { tickCount: 6, format: 'd' },
  }, { size: 50 });
}

export interface ReliabilityRow {
  lower: number;
  upper: number;
  accuracy: number;
  meanConfidence: number;
  count: number;
}

/** (c) Accuracy per confidence bin against the diagonal of perfect calibration. */
export function reliabilitySpec(bins: ReliabilityRow[], title: string): TopLevelSpec {
  const unit = { type: 'quantitative' as const, scale: { domain: [0, 1] } };
  return {
    title,
    config: chartConfig,
    width: 260,
    height: 220,
    layer: [
      {
        data: { values: bins },
        mark: { type: 'rect', color: '#4c78a8', opacity: 0.8, stroke: 'white', strokeWidth: 1 },
        encoding: {
          x: { field: 'lower', ...unit, title: 'confidence (top-label)' },
          x2: { field: 'upper' },
          y: { field: 'accuracy', ...unit, title: 'accuracy' },
          y2: { datum: 0 },
        },
      },
      {
        data: { values: bins },
        mark: { type: 'point', filled: true, color: '#e45756' },
        encoding: {
          x: { field: 'meanConfidence', ...unit },
          y: { field: 'accuracy', ...unit },
          size: { field: 'count', type: 'quantitative', title: 'points in bin', scale: { range: [15, 160], zero: false } },
        },
      },
      {
        data: { values: [{ v: 0 }, { v: 1 }] },
        mark: { type: 'line', color: '#888', strokeDash: [4, 3] },
        encoding: { x: { field: 'v', ...unit }, y: { field: 'v', ...unit } },
      },
    ],
  };
}

export interface DisagreementRow {
  method: string;
  size: number;
  severity: number;
  disagreement: number;
  nll: number;
}

/** (d) One point per ensemble: predictive disagreement of its members against its NLL. */
export function disagreementSpec(rows: DisagreementRow[], methods: string[]): TopLevelSpec {
  const severities = [...new Set(rows.map((r) => r.severity))];
  return {
    title: 'Diversity against ensemble NLL (test, one point per ensemble)',
    config: chartConfig,
    width: 360,
    height: 240,
    data: { values: rows },
    mark: { type: 'point', filled: true, opacity: 0.85 },
    encoding: {
      x: { field: 'disagreement', type: 'quantitative', title: 'predictive disagreement', scale: { zero: false } },
      y: { field: 'nll', type: 'quantitative', title: 'ensemble NLL', scale: { zero: false } },
      color: methodColor(methods),
      size: { field: 'size', type: 'ordinal', title: 'M', scale: { range: [30, 200] } },
      ...(severities.length > 1 ? { shape: { field: 'severity', type: 'nominal' as const, title: 'severity' } } : {}),
    },
  };
}
