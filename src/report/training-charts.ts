/** Vega-Lite specs of how the members trained: loss curves and seconds per member. */
import type { TopLevelSpec } from 'vega-lite';
import { chartConfig, readableDomain } from './charts.js';

export interface LossPoint {
  method: string;
  trial: number;
  epoch: number;
  loss: number;
}

/** Training loss per epoch, one line per member, coloured by method. */
export function lossCurveSpec(points: LossPoint[], methods: string[]): TopLevelSpec {
  const epochs = Math.max(...points.map((p) => p.epoch));
  return {
    title: 'Training loss per epoch (one line per network)',
    config: chartConfig,
    width: 520,
    height: 260,
    data: { values: points },
    // One epoch gives no line: its points carry the plot.
    mark: { type: 'line', point: epochs <= 1 ? { size: 40 } : false, opacity: 0.7, strokeWidth: 1.2 },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch', scale: { domain: [1, Math.max(epochs, 2)] }, axis: { format: 'd', tickMinStep: 1 } },
      y: { field: 'loss', type: 'quantitative', title: 'training loss (mean over the epoch)', scale: { domain: readableDomain(points.map((p) => p.loss)), zero: false, nice: true } },
      color: { field: 'method', type: 'nominal', title: 'method', scale: { domain: methods, scheme: 'tableau10' } },
      detail: { field: 'trial', type: 'nominal' },
    },
  } as TopLevelSpec;
}

export interface MemberTime {
  method: string;
  trial: number;
  trainSeconds: number;
  predictSeconds: number;
}

const PHASES = ['training', 'predicting'];
const MIN_SLOTS = 10;

/**
 * Seconds per member, training and predicting stacked, in order of trial id, one panel per
 * method. Drawn as rectangles on a numeric axis (not bands), so hundreds of trials stay legible.
 */
export function memberTimeSpec(times: MemberTime[], methods: string[]): TopLevelSpec {
  const rows = times.flatMap((t) => [
    { method: t.method, trial: t.trial, phase: 'training', from: 0, to: t.trainSeconds, x0: t.trial - 0.4, x1: t.trial + 0.4 },
    { method: t.method, trial: t.trial, phase: 'predicting', from: t.trainSeconds, to: t.trainSeconds + t.predictSeconds, x0: t.trial - 0.4, x1: t.trial + 0.4 },
  ]);
  const top = Math.max(...times.map((t) => t.trainSeconds + t.predictSeconds), 1e-3);
  // One trial axis for every panel, at least ten slots wide, so that a pool of one is not one wide block.
  const last = Math.max(...times.map((t) => t.trial), MIN_SLOTS - 1);
  return {
    title: 'Seconds per network: training and predicting the evaluation sets',
    config: chartConfig,
    vconcat: methods
      .filter((method) => times.some((t) => t.method === method))
      .map((method) => {
        return {
          title: { text: method, fontSize: 12, anchor: 'start' },
          width: 520,
          height: 150,
          data: { values: rows.filter((r) => r.method === method) },
          mark: { type: 'rect' },
          encoding: {
            x: { field: 'x0', type: 'quantitative', title: 'trial', scale: { domain: [-0.5, last + 0.5], nice: false }, axis: { format: 'd', tickMinStep: 1 } },
            x2: { field: 'x1' },
            y: { field: 'from', type: 'quantitative', title: 'seconds', scale: { domain: [0, top], nice: true } },
            y2: { field: 'to' },
            color: { field: 'phase', type: 'nominal', title: null, scale: { domain: PHASES, range: ['#4c78a8', '#f58518'] } },
            tooltip: [{ field: 'trial' }, { field: 'phase' }, { field: 'to', title: 'seconds (cumulative)', format: '.1f' }],
          },
        };
      }),
  } as TopLevelSpec;
}
