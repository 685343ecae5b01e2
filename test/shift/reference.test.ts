/**
 * Fidelity to the reference CIFAR-10-C generator (make_cifar_c.py), per kind: our parameters are
 * the ones its source states, and at every severity the mean absolute change of our output on the
 * fixture's 12 colour 32×32 images matches the reference's, as scripts/shift-reference.py measured
 * it into test/fixtures/shift-reference.json (20 seeded draws per image for the random kinds). Our
 * random streams differ from numpy's, so random kinds are compared as averages over several
 * seeded draws per image (issue 14).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { corruptImage, createCorruptionRng } from '../../src/shift/index.js';
import type { Severity } from '../../src/shift/index.js';
import { defaultSpecs, loadSuite } from '../../src/shift/suite.js';
import type { SeverityParams } from '../../src/shift/types.js';
import { PACKAGE_ROOT } from '../../src/version.js';
import { meanAbsDifference } from './helpers.js';
import type { ByteImage } from './helpers.js';

interface ReferenceFixture {
  /** Each kind's per-severity parameter list `c` in make_cifar_c.py. */
  parameters: Record<string, number[][]>;
  repeats: number;
  images: { count: number; height: number; width: number; channels: number; base64: string };
  kinds: Record<string, { mean: number[]; repeatStd: number[] }>;
}

const fixture = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'test/fixtures/shift-reference.json'), 'utf8')) as ReferenceFixture;
const { count, height, width, channels } = fixture.images;
const pixels = Buffer.from(fixture.images.base64, 'base64');
const size = height * width * channels;
const images: ByteImage[] = Array.from({ length: count }, (_, i) => ({ data: new Uint8Array(pixels.subarray(i * size, (i + 1) * size)), height, width, channels }));

const SEVERITIES: Severity[] = [1, 2, 3, 4, 5];
const KINDS = [...loadSuite('test').kinds, ...loadSuite('validation').kinds];
const DETERMINISTIC = new Set(['defocus_blur', 'zoom_blur', 'gaussian_blur', 'brightness', 'contrast', 'saturate', 'pixelate', 'jpeg_compression']);
// Seeded draws per image for the random kinds; the noisier ones (rare events, few blobs) get more.
const NOISY = new Set(['impulse_noise', 'snow', 'frost', 'fog', 'elastic_transform', 'spatter']);
const repeatsFor = (kind: string): number => (DETERMINISTIC.has(kind) ? 1 : NOISY.has(kind) ? 24 : 8);

/**
 * Allowed relative deviation from the reference per kind: the measured agreement (worst severity
 * of this test's draws, in brackets) plus the sampling spread of both sides.
 */
const TOLERANCE: Record<string, number> = {
  // Exact ports, deterministic [≤ 0.6 %: float32 vs float64, rounding ties].
  defocus_blur: 0.02,
  zoom_blur: 0.02,
  gaussian_blur: 0.02,
  brightness: 0.02,
  contrast: 0.02,
  saturate: 0.02,
  pixelate: 0.02,
  // PIL's 4:2:0 encoding is matched (PIL decodes our bytes to within 0.4 grey levels of its own);
  // jpeg-js decodes with nearest-neighbour chroma upsampling, libjpeg with its smoother "fancy"
  // upsampling [+3.7 … +4.9 %]; issue 14 asks for ≤ 10 %. Before: 4:4:4, −15 … −18 %.
  jpeg_compression: 0.07,
  // Same algorithms, our random streams [≤ 0.5 %].
  gaussian_noise: 0.02,
  shot_noise: 0.02,
  speckle_noise: 0.02,
  motion_blur: 0.03,
  // [≤ 0.4 %]; before issue 14's fix (a true swap) +8 … +32 % on these images.
  glass_blur: 0.03,
  // Rarer random events, noisier averages [impulse 2.3 %, snow 1.8 %, fog 1.0 %].
  impulse_noise: 0.05,
  snow: 0.05,
  fog: 0.04,
  // Procedural ice instead of the reference's six photos [2.5 %].
  frost: 0.06,
  // Consistently a little above the reference [+1.0 … +4.1 %].
  elastic_transform: 0.08,
  // Water (severities 1–3) consistently below the reference [−4.4 … −7.4 %], mud within 1 %.
  spatter: 0.12,
};

/** Our named parameters in the order of the reference's list `c` (spatter's mode: 0 water, 1 mud). */
const REFERENCE_ORDER: Record<string, (params: SeverityParams) => unknown[]> = {
  gaussian_noise: (p) => [p.sigma],
  shot_noise: (p) => [p.rate],
  impulse_noise: (p) => [p.amount],
  speckle_noise: (p) => [p.sigma],
  defocus_blur: (p) => [p.radius, p.aliasSigma],
  glass_blur: (p) => [p.sigma, p.maxDelta, p.iterations],
  motion_blur: (p) => [p.radius, p.sigma],
  zoom_blur: (p) => [...(p.factors as number[])],
  gaussian_blur: (p) => [p.sigma],
  snow: (p) => [p.mean, p.std, p.zoom, p.threshold, p.blurRadius, p.blurSigma, p.blend],
  frost: (p) => [p.imageWeight, p.frostWeight],
  fog: (p) => [p.amount, p.decay],
  spatter: (p) => [p.loc, p.scale, p.sigma, p.threshold, p.intensity, p.mode === 'mud' ? 1 : p.mode === 'water' ? 0 : p.mode],
  brightness: (p) => [p.delta],
  contrast: (p) => [p.factor],
  saturate: (p) => [p.scale, p.shift],
  // The reference states these as fractions of IMSIZE = 32; ours are pixels at referenceSize 32.
  elastic_transform: (p) => [p.alpha, p.sigma, p.affineJitter],
  pixelate: (p) => [p.factor],
  jpeg_compression: (p) => [p.quality],
};

function assertSameParameters(kind: string): void {
  const spec = defaultSpecs()[kind]!;
  const reference = fixture.parameters[kind]!;
  assert.equal(spec.severities.length, reference.length, `${kind}: severities`);
  spec.severities.forEach((params, index) => {
    const ours = REFERENCE_ORDER[kind]!(params);
    const theirs = reference[index]!;
    const same = ours.length === theirs.length && ours.every((v, i) => typeof v === 'number' && Math.abs(v - theirs[i]!) < 1e-6);
    assert.ok(same, `${kind} s${index + 1}: corruptions/cifar10-c.json has ${JSON.stringify(ours)}, the reference ${JSON.stringify(theirs)}`);
  });
}

function ourMeanChange(kind: string, severity: Severity): number {
  const repeats = repeatsFor(kind);
  let total = 0;
  for (let repeat = 0; repeat < repeats; repeat++) {
    images.forEach((image, index) => {
      total += meanAbsDifference(corruptImage(kind, severity, image, createCorruptionRng(`reference/${kind}/${severity}/${repeat}/${index}`)), image.data);
    });
  }
  return total / (repeats * images.length);
}

test('the fixture covers every kind of corruptions/cifar10-c.json, both suites', () => {
  const kinds = [...KINDS].sort();
  assert.equal(kinds.length, 19);
  assert.deepEqual(Object.keys(fixture.kinds).sort(), kinds);
  assert.deepEqual(Object.keys(fixture.parameters).sort(), kinds);
  assert.deepEqual(Object.keys(TOLERANCE).sort(), kinds);
  assert.deepEqual(Object.keys(REFERENCE_ORDER).sort(), kinds);
});

for (const kind of KINDS) {
  test(`${kind}: the reference's parameters, and its mean absolute change at severities 1–5`, () => {
    assert.ok(Object.hasOwn(fixture.kinds, kind) && Object.hasOwn(fixture.parameters, kind), `${kind}: not in the fixture`);
    assertSameParameters(kind);
    const reference = fixture.kinds[kind]!.mean;
    const tolerance = TOLERANCE[kind]!;
    for (const severity of SEVERITIES) {
      const ours = ourMeanChange(kind, severity);
      const expected = reference[severity - 1]!;
      const deviation = ours / expected - 1;
      assert.ok(Math.abs(deviation) <= tolerance, `${kind} s${severity}: ours ${ours.toFixed(3)}, reference ${expected.toFixed(3)} (${(100 * deviation).toFixed(1)} %, allowed ±${Math.round(100 * tolerance)} %)`);
    }
  });
}
