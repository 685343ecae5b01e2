/**
 * What each method spent, across seeds, and its anytime curve on that compute axis (epochs
 * trained) rather than on networks: a multi-fidelity method (rs-sh, re-sh) trains many networks
 * for a few epochs, so "networks trained" compares it with NES-RS unfairly in its favour (issue 18).
 */
import { anytimePointEpochs, methodCompute } from '../run/results-compute.js';
import type { SearchResults } from '../run/results-types.js';
import type { ComparedRun } from './runs.js';
import { meanSe, type MeanSe } from './statistics.js';

export interface ComputeRow {
  method: string;
  /** Epochs trained over all of the method's finished trainings (a leg counts its own epochs). */
  epochs: MeanSe;
  trainSeconds: MeanSe;
  predictSeconds: MeanSe;
  /** Networks it trained (a multi-fidelity network counts once, however many legs). */
  networks: MeanSe;
}

export interface EpochsAnytimePoint {
  method: string;
  size: number;
  /** Epochs trained so far: the ensemble is the one selected on what was trained by then. */
  epochs: number;
  testNll: MeanSe;
  testError: MeanSe;
  testEce: MeanSe;
}

type MethodEntry = SearchResults['methods'][string];

function networksOf(entry: MethodEntry): number {
  return new Set(entry.pool.map((member) => member.fidelity?.network ?? member.trialId)).size;
}

export function computeRows(runs: ComparedRun[], methods: string[]): ComputeRow[] {
  return methods.flatMap((method) => {
    const entries = runs.flatMap((run) => {
      const entry = run.results.methods[method];
      return entry ? [{ compute: methodCompute(entry, run.results.training.epochs), networks: networksOf(entry) }] : [];
    });
    if (entries.length === 0) return [];
    return [
      {
        method,
        epochs: meanSe(entries.map((e) => e.compute.epochs)),
        trainSeconds: meanSe(entries.map((e) => e.compute.trainSeconds)),
        predictSeconds: meanSe(entries.map((e) => e.compute.predictSeconds)),
        networks: meanSe(entries.map((e) => e.networks)),
      },
    ];
  });
}

/**
 * The clean anytime curves of every seed on one epochs grid, averaged: at E epochs a run has the
 * ensemble of its last point at ≤ E epochs (what the search would have returned had it stopped
 * there). The grid is every `step` epochs (the anytime step in full trainings) up to the method's
 * largest total, and that total; a point is kept only where every seed of the method has a value.
 */
export function anytimeByEpochs(runs: ComparedRun[], methods: string[]): EpochsAnytimePoint[] {
  const first = runs[0];
  if (!first) return [];
  const scheduleEpochs = first.results.training.epochs;
  const step = Math.max(1, scheduleEpochs * first.config.evaluation.anytimeStep);
  const points: EpochsAnytimePoint[] = [];
  for (const method of methods) {
    const curves = runs.flatMap((run) => {
      const entry = run.results.methods[method];
      if (!entry) return [];
      return [entry.anytime.filter((p) => (p.severity ?? 0) === 0).map((p) => ({ ...p, epochs: anytimePointEpochs(p, scheduleEpochs) }))];
    });
    const sizes = [...new Set(curves.flat().map((p) => p.size))].sort((a, b) => a - b);
    for (const size of sizes) {
      const bySeed = curves.map((curve) => curve.filter((p) => p.size === size).sort((a, b) => a.epochs - b.epochs));
      const total = Math.max(...bySeed.map((curve) => curve.at(-1)?.epochs ?? 0));
      const grid = [...new Set([...Array.from({ length: Math.floor(total / step) }, (_, k) => (k + 1) * step), total])].filter((e) => e > 0);
      for (const epochs of grid) {
        const values = bySeed.map((curve) => curve.filter((p) => p.epochs <= epochs).at(-1));
        if (values.some((v) => v === undefined)) continue;
        const reached = values as NonNullable<(typeof values)[number]>[];
        points.push({
          method,
          size,
          epochs,
          testNll: meanSe(reached.map((p) => p.testNll)),
          testError: meanSe(reached.map((p) => p.testError)),
          testEce: meanSe(reached.map((p) => p.testEce)),
        });
      }
    }
  }
  return points;
}
