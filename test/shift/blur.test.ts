/** Blur kinds remove high frequencies, keep flat images flat and use the reference kernels. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { corruptImage, createCorruptionRng } from '../../src/shift/index.js';
import type { Severity } from '../../src/shift/index.js';
import { defocusKernel } from '../../src/shift/kinds/blur.js';
import { motionKernel } from '../../src/shift/motion.js';
import { clippedZoom, roundHalfEven } from '../../src/shift/geometry.js';
import { gaussianKernel1d } from '../../src/shift/filters.js';
import { toFloatImage } from '../../src/shift/image.js';
import { checkerboard, laplacianEnergy, naturalImage, randomImage, uniformImage } from './helpers.js';

const BLURS = ['defocus_blur', 'glass_blur', 'motion_blur', 'zoom_blur', 'gaussian_blur'];
const SEVERITIES: Severity[] = [1, 2, 3, 4, 5];

test('every blur lowers the Laplacian energy of a checkerboard and of a random image', () => {
  for (const channels of [1, 3]) {
    for (const image of [checkerboard(32, 32, channels), randomImage(`blur${channels}`, 32, 32, channels)]) {
      const before = laplacianEnergy(image.data, 32, 32, channels);
      for (const kind of BLURS) {
        // glass_blur with σ ≤ 0.25 (severities 1, 2, 4) barely smooths (edge tap weight e⁻⁸) and its
        // pixel copies add detail: only its σ = 0.4 severities are a blur.
        for (const severity of SEVERITIES.filter((s) => kind !== 'glass_blur' || s === 3 || s === 5)) {
          const after = laplacianEnergy(corruptImage(kind, severity, image, createCorruptionRng(severity)), 32, 32, channels);
          assert.ok(after < 0.9 * before, `${kind} s${severity} c${channels}: ${after} vs ${before}`);
        }
      }
    }
  }
});

test('blurs keep a flat image flat', () => {
  const flat = uniformImage(24, 24, 3, 90);
  for (const kind of BLURS) {
    for (const severity of SEVERITIES) assert.ok(corruptImage(kind, severity, flat, createCorruptionRng(1)).every((v) => v === 90), `${kind} s${severity}`);
  }
});

test('motion kernel: width 2·ceil(radius)+1, normalised, one-sided, along the angle', () => {
  const { weights, dx, dy } = motionKernel(6, 2, 0);
  assert.equal(weights.length, 13);
  assert.ok(Math.abs(weights.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  assert.ok(weights[0]! > weights[1]! && weights[1]! > weights[5]!);
  assert.deepEqual([...dx], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  assert.ok(dy.every((v) => v === 0));
  const diagonal = motionKernel(9, 2.5, 45);
  assert.equal(diagonal.weights.length, 19);
  assert.equal(diagonal.dx[10], 7);
  assert.equal(diagonal.dy[10], 7);
});

test('defocus kernel: normalised disk; radius 0.3 is a pure 3×3 gaussian, 1.5 covers 5×5', () => {
  const small = defocusKernel(0.3, 0.4);
  assert.equal(small.size, 3);
  assert.ok(Math.abs(small.weights.reduce((a, b) => a + b, 0) - 1) < 1e-9);
  const large = defocusKernel(1.5, 0.1);
  assert.equal(large.size, 5);
  assert.ok(Math.abs(large.weights.reduce((a, b) => a + b, 0) - 1) < 1e-9);
});

test('gaussian kernel radius follows scipy: int(4σ + 0.5)', () => {
  assert.equal(gaussianKernel1d(0.4).length, 2 * 2 + 1);
  assert.equal(gaussianKernel1d(1).length, 2 * 4 + 1);
  assert.deepEqual([...gaussianKernel1d(0.05)], [1]);
});

test('clipped zoom: factor 1 is the identity, larger factors magnify the centre', () => {
  const image = toFloatImage(naturalImage('zoom', 28, 28, 1));
  assert.deepEqual(clippedZoom(image, 1).data, image.data);
  const dot = toFloatImage(uniformImage(31, 31, 1, 0));
  dot.data[15 * 31 + 15] = 1;
  const zoomed = clippedZoom(dot, 2);
  const spread = zoomed.data.filter((v) => v > 0).length;
  assert.ok(spread > 1 && zoomed.data[15 * 31 + 15]! > 0, 'a centred dot grows under zoom');
  assert.equal(roundHalfEven(2.5), 2);
  assert.equal(roundHalfEven(3.5), 4);
  assert.equal(roundHalfEven(32.32), 32);
});
