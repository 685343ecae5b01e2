import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { LabelledImages } from '../../src/data/types.js';
import type { DartsGenotype, MacroConfig } from '../../src/space/types.js';
import { createRng } from '../../src/util/rng.js';
import { loadNamedGenotype } from '../../src/space/named.js';

export async function useCpu(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
}

/** A DARTS genotype whose every edge is `op` (inputs wired as in DARTS-V2). */
export function uniformDarts(normalOp: string, reduceOp = normalOp): DartsGenotype {
  const wiring = [[0, 1], [0, 1], [1, 0], [0, 2]];
  const cell = (op: string) => wiring.map((inputs) => inputs.map((input) => ({ op, input })));
  return { space: 'darts', normal: cell(normalOp), reduce: cell(reduceOp) };
}

/** The shipped DARTS-V2 genotype (search-spaces/genotypes/darts-v2.json). */
export const DARTS_V2 = loadNamedGenotype('darts-v2') as DartsGenotype;

export const TINY_MACRO: MacroConfig = { cells: 3, channels: 4, stemMultiplier: 2 };

/**
 * A separable toy problem: class 0 images are bright in the top half, class 1 in the bottom half,
 * with seeded noise everywhere.
 */
export function toyImages(count: number, size: number, seed: number): LabelledImages {
  const rng = createRng(`toy:${seed}`);
  const images = new Uint8Array(count * size * size);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    const label = n % 2;
    labels[n] = label;
    for (let row = 0; row < size; row++) {
      const bright = (row < size / 2) === (label === 0);
      for (let col = 0; col < size; col++) {
        const base = bright ? 170 : 60;
        images[(n * size + row) * size + col] = base + rng.int(60);
      }
    }
  }
  return { images, labels, count, height: size, width: size, channels: 1 };
}

export const GREY = { mean: [0.45], std: [0.25] };

/** Elementwise |actual − expected| ≤ tolerance × (the largest |expected|, at least 1e-3). */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let scale = 1e-3;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i] as number));
  for (let i = 0; i < expected.length; i++) {
    const difference = Math.abs((actual[i] as number) - (expected[i] as number));
    assert.ok(difference <= tolerance * scale, `${what}[${i}]: ${actual[i]} vs ${expected[i]} (scale ${scale})`);
  }
}

/** Every DARTS op but avg_pool (whose tfjs gradient is inexact at borders) on both cells, stride 1 and 2. */
export const allButAvg: DartsGenotype = {
  space: 'darts',
  normal: [
    [{ op: 'sep_conv_5x5', input: 0 }, { op: 'dil_conv_3x3', input: 1 }],
    [{ op: 'max_pool_3x3', input: 0 }, { op: 'dil_conv_5x5', input: 2 }],
    [{ op: 'max_pool_3x3', input: 1 }, { op: 'skip_connect', input: 3 }],
    [{ op: 'sep_conv_3x3', input: 4 }, { op: 'skip_connect', input: 0 }],
  ],
  reduce: [
    [{ op: 'dil_conv_5x5', input: 0 }, { op: 'sep_conv_5x5', input: 1 }],
    [{ op: 'sep_conv_3x3', input: 1 }, { op: 'skip_connect', input: 2 }],
    [{ op: 'max_pool_3x3', input: 0 }, { op: 'dil_conv_3x3', input: 1 }],
    [{ op: 'skip_connect', input: 0 }, { op: 'sep_conv_5x5', input: 3 }],
  ],
};

/** Both pools, at stride 1 and 2, next to convs. */
export const withAvgPools: DartsGenotype = {
  space: 'darts',
  normal: [
    [{ op: 'avg_pool_3x3', input: 0 }, { op: 'sep_conv_3x3', input: 1 }],
    [{ op: 'avg_pool_3x3', input: 2 }, { op: 'dil_conv_3x3', input: 1 }],
    [{ op: 'max_pool_3x3', input: 3 }, { op: 'skip_connect', input: 0 }],
    [{ op: 'avg_pool_3x3', input: 1 }, { op: 'sep_conv_5x5', input: 4 }],
  ],
  reduce: [
    [{ op: 'avg_pool_3x3', input: 0 }, { op: 'max_pool_3x3', input: 1 }],
    [{ op: 'avg_pool_3x3', input: 1 }, { op: 'skip_connect', input: 2 }],
    [{ op: 'sep_conv_3x3', input: 0 }, { op: 'avg_pool_3x3', input: 3 }],
    [{ op: 'dil_conv_3x3', input: 1 }, { op: 'avg_pool_3x3', input: 2 }],
  ],
};
