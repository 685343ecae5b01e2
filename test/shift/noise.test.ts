/** Noise kinds match their published distributions on flat images. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { corruptImage, createCorruptionRng, loadSuite } from '../../src/shift/index.js';
import type { Severity } from '../../src/shift/index.js';
import { logGamma, poisson, poissonSampler } from '../../src/shift/random.js';
import { mean, uniformImage, variance } from './helpers.js';

const suite = loadSuite('validation');
const testSuite = loadSuite('test');
const SEVERITIES: Severity[] = [1, 2, 3, 4, 5];
const param = (kind: string, severity: Severity, name: string): number =>
  ({ ...testSuite.specs, ...suite.specs })[kind]!.severities[severity - 1]![name] as number;

// Flooring to uint8 adds ≈ 1/12 level² of variance and −0.5 level of bias; both are tiny next to σ.
const toUnit = (data: Uint8Array): Float64Array => Float64Array.from(data, (v) => (v + 0.5) / 255);

test('gaussian_noise: variance ≈ σ² and mean kept on a mid-grey image', () => {
  const grey = uniformImage(64, 64, 3, 128);
  for (const severity of SEVERITIES) {
    const sigma = param('gaussian_noise', severity, 'sigma');
    const out = toUnit(corruptImage('gaussian_noise', severity, grey, createCorruptionRng(`g${severity}`)));
    assert.ok(Math.abs(variance(out) / sigma ** 2 - 1) < 0.08, `s${severity}: variance ${variance(out)} vs σ² ${sigma ** 2}`);
    assert.ok(Math.abs(mean(out) - 128 / 255) < 0.004);
  }
});

test('shot_noise: Poisson counts, mean kept and variance ≈ x/λ', () => {
  const grey = uniformImage(64, 64, 3, 128);
  const x = 128 / 255;
  for (const severity of SEVERITIES) {
    const rate = param('shot_noise', severity, 'rate');
    const out = toUnit(corruptImage('shot_noise', severity, grey, createCorruptionRng(`p${severity}`)));
    assert.ok(Math.abs(mean(out) - x) < 0.005, `s${severity}: mean ${mean(out)}`);
    assert.ok(Math.abs(variance(out) / (x / rate) - 1) < 0.1, `s${severity}: variance ${variance(out)} vs ${x / rate}`);
  }
});

test('poisson sampler: mean and variance ≈ λ for small and large λ', () => {
  const rng = createCorruptionRng('poisson');
  for (const lambda of [0.5, 4, 30, 250, 9000]) {
    // poisson() tabulates the CDF up to λ = 5000; poissonSampler is the PTRS rejection sampler.
    for (const draw of [() => poisson(rng, lambda), poissonSampler(lambda).bind(null, rng)]) {
      const draws = Float64Array.from({ length: 20000 }, draw);
      assert.ok(draws.every((k) => Number.isInteger(k) && k >= 0));
      assert.ok(Math.abs(mean(draws) / lambda - 1) < 0.03, `λ=${lambda}: mean ${mean(draws)}`);
      assert.ok(Math.abs(variance(draws) / lambda - 1) < 0.06, `λ=${lambda}: variance ${variance(draws)}`);
    }
  }
  assert.ok(Math.abs(logGamma(10) - Math.log(362880)) < 1e-10);
  assert.ok(Math.abs(logGamma(0.5) - 0.5 * Math.log(Math.PI)) < 1e-10);
});

test('impulse_noise: a fraction `amount` of elements becomes 0 or 255, half each', () => {
  const grey = uniformImage(64, 64, 3, 128);
  for (const severity of SEVERITIES) {
    const amount = param('impulse_noise', severity, 'amount');
    const out = corruptImage('impulse_noise', severity, grey, createCorruptionRng(`i${severity}`));
    const salt = out.filter((v) => v === 255).length / out.length;
    const pepper = out.filter((v) => v === 0).length / out.length;
    const untouched = out.filter((v) => v === 128).length / out.length;
    assert.ok(Math.abs(salt + pepper - amount) < 0.25 * amount + 0.003, `s${severity}: ${salt + pepper} vs ${amount}`);
    assert.ok(Math.abs(salt - pepper) < 0.5 * amount + 0.003);
    assert.ok(Math.abs(untouched + salt + pepper - 1) < 1e-12, 'impulse noise only sets 0 or 255');
  }
});

test('speckle_noise: multiplicative, variance ≈ (x·σ)², black stays black', () => {
  const grey = uniformImage(64, 64, 3, 160);
  const x = 160 / 255;
  for (const severity of SEVERITIES) {
    const sigma = param('speckle_noise', severity, 'sigma');
    const out = toUnit(corruptImage('speckle_noise', severity, grey, createCorruptionRng(`s${severity}`)));
    assert.ok(Math.abs(variance(out) / (x * sigma) ** 2 - 1) < 0.1, `s${severity}: variance ${variance(out)}`);
    const black = corruptImage('speckle_noise', severity, uniformImage(8, 8, 1, 0), createCorruptionRng(1));
    assert.ok(black.every((v) => v === 0));
  }
});
