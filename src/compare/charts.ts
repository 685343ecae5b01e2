/** Vega-Lite specs of the comparison page: means with ±1 standard-error bars or bands across seeds. */
import type { TopLevelSpec } from 'vega-lite';
import { chartConfig } from '../report/charts.js';

/** One plotted mean with its ±1 SE interval (lower = upper = mean with a single seed). */
export interface IntervalRow {
  method: string;
  mean: number;
  lower: number;
  upper: number;
  [key: string]: string | number;
}

/** Vega's tableau10, assigned by a method's place in the comparison so every plot agrees. */
const PALETTE = ['#4c78a8', '#f58518', '#e45756', '#72b7b2', '#54a24b', '#eeca3b', '#b279a2', '#ff9da6', '#9d755d', '#bab0ac'];

/** Colour by method; `shown` (default all) are the methods this plot has, keeping their colours. */
const color = (methods: string[], shown = methods) => ({
  field: 'method',
  type: 'nominal' as const,
  title: 'method',
  scale: { domain: shown, range: shown.map((m) => PALETTE[methods.indexOf(m) % PALETTE.length]!) },
});

/** Lines through the means, a rule from mean − SE to mean + SE at each point. */
function linesWithErrorBars(x: Record<string, unknown>, yTitle: string | null, methods: string[], shown = methods) {
  const y = { field: 'mean', type: 'quantitative', title: yTitle, scale: { zero: false } };
  return [
    { mark: { type: 'line', point: { size: 40 } }, encoding: { x, y, color: color(methods, shown) } },
    { mark: { type: 'rule', strokeWidth: 1.5 }, encoding: { x, y: { field: 'lower', type: 'quantitative' }, y2: { field: 'upper' }, color: color(methods, shown) } },
  ];
}

/** Test NLL against ensemble size M, one facet per severity shown. */
export function nllBySizeSpec(rows: IntervalRow[], methods: string[]): TopLevelSpec {
  return {
    title: 'Test NLL against ensemble size (mean ± SE over seeds)',
    config: chartConfig,
    data: { values: rows },
    facet: { column: { field: 'severity', type: 'ordinal', title: 'shift severity' } },
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: 260,
      height: 190,
      layer: linesWithErrorBars({ field: 'size', type: 'quantitative', title: 'ensemble size M', axis: { format: 'd', tickMinStep: 1 } }, 'test NLL', methods),
    },
  } as TopLevelSpec;
}

/** Test NLL and ECE against shift severity at one M. */
export function bySeveritySpec(rows: IntervalRow[], methods: string[], size: number): TopLevelSpec {
  return {
    title: `Test NLL and ECE against shift severity, M = ${size} (mean ± SE over seeds)`,
    config: chartConfig,
    data: { values: rows },
    facet: { column: { field: 'metric', type: 'nominal', title: null, sort: ['NLL', 'ECE'] } },
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: 260,
      height: 190,
      layer: linesWithErrorBars({ field: 'severity', type: 'quantitative', title: 'shift severity', scale: { domain: [0, 5] }, axis: { tickCount: 6, format: 'd' } }, null, methods),
    },
  } as TopLevelSpec;
}

/**
 * Clean test NLL of the ensemble chosen among what was trained so far: mean line, ±1 SE band; on
 * networks trained (rows' `networks`) or on the compute axis, epochs trained (rows' `epochs`).
 */
export function anytimeBandSpec(rows: IntervalRow[], methods: string[], size: number, axis: 'networks' | 'epochs' = 'networks'): TopLevelSpec {
  const x = { field: axis, type: 'quantitative', title: axis === 'networks' ? 'networks trained' : 'epochs trained (compute)', axis: { format: 'd', tickMinStep: 1 } };
  return {
    title: `Anytime test NLL${axis === 'epochs' ? ' by compute' : ''}, M = ${size} (mean, band ± SE over seeds)`,
    config: chartConfig,
    width: 420,
    height: 230,
    data: { values: rows },
    layer: [
      // The line first: the merged legend takes its symbols, not the faint band's.
      { mark: { type: 'line', point: { size: 25 } }, encoding: { x, y: { field: 'mean', type: 'quantitative', scale: { zero: false }, title: 'test NLL' }, color: color(methods) } },
      { mark: { type: 'area', opacity: 0.2 }, encoding: { x, y: { field: 'lower', type: 'quantitative' }, y2: { field: 'upper' }, color: color(methods) } },
    ],
  } as TopLevelSpec;
}

/** NLL(selected on clean data) − NLL(selected at s), both tested at s: above zero, shift-aware selection helps. */
export function shiftAwareGainSpec(rows: IntervalRow[], methods: string[], size: number): TopLevelSpec {
  const x = { field: 'severity', type: 'quantitative', title: 'shift severity', scale: { domain: [0, 5] }, axis: { tickCount: 6, format: 'd' } };
  return {
    title: `Value of shift-aware selection, M = ${size} (mean ± SE over seeds)`,
    config: chartConfig,
    width: 420,
    height: 230,
    data: { values: rows },
    layer: [
      { data: { values: [{ zero: 0 }] }, mark: { type: 'rule', color: '#999', strokeDash: [4, 3] }, encoding: { y: { field: 'zero', type: 'quantitative' } } },
      ...linesWithErrorBars(x, 'test NLL gain (clean-selected − shift-selected)', methods, methods.filter((m) => rows.some((r) => r.method === m))),
    ],
  } as TopLevelSpec;
}
