/** Weather kinds (snow, frost, fog) and spatter. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { corruptImage, createCorruptionRng, loadSuite } from '../../src/shift/index.js';
import type { Severity } from '../../src/shift/index.js';
import { generateFrostTexture } from '../../src/shift/frost-texture.js';
import { plasmaFractal } from '../../src/shift/plasma.js';
import { mean, meanAbsDifference, naturalImage, uniformImage } from './helpers.js';

const SEVERITIES: Severity[] = [1, 2, 3, 4, 5];

test('snow only brightens (whitening and flakes add light)', () => {
  for (const channels of [1, 3]) {
    const image = naturalImage(`snow${channels}`, 32, 32, channels);
    for (const severity of SEVERITIES) {
      const out = corruptImage('snow', severity, image, createCorruptionRng(severity));
      assert.ok(out.every((v, i) => v >= image.data[i]!), `c${channels} s${severity}`);
      assert.ok(mean(out) > mean(image.data));
    }
  }
});

test('frost: on black, the output is frostWeight × a pale-blue ice texture', () => {
  const suite = loadSuite('test');
  const black = uniformImage(32, 32, 3, 0);
  for (const severity of SEVERITIES) {
    const out = corruptImage('frost', severity, black, createCorruptionRng(severity));
    const weight = suite.specs.frost!.severities[severity - 1]!.frostWeight as number;
    const blue = mean(out.filter((_, i) => i % 3 === 2));
    const red = mean(out.filter((_, i) => i % 3 === 0));
    assert.ok(blue > red, 'ice is tinted blue');
    assert.ok(mean(out) / 255 > 0.3 * weight && mean(out) / 255 < 0.9 * weight, `s${severity}: mean ${mean(out)}`);
  }
  const texture = generateFrostTexture(64, 0);
  assert.ok(texture.data.every((v) => v >= 0 && v <= 1));
  assert.deepEqual(texture.data, generateFrostTexture(64, 0).data, 'textures are fixed assets');
});

test('fog: plasma map in 0..1, and fog lifts dark pixels while capping at the image maximum', () => {
  const map = plasmaFractal(32, 2, createCorruptionRng(1));
  assert.equal(Math.min(...map), 0);
  assert.equal(Math.max(...map), 1);
  const image = naturalImage('fog', 32, 32, 3);
  const peak = Math.max(...image.data);
  for (const severity of SEVERITIES) {
    const out = corruptImage('fog', severity, image, createCorruptionRng(severity));
    assert.ok(Math.max(...out) <= peak);
  }
});

test('spatter: water only adds light; mud pulls pixels towards brown', () => {
  for (const channels of [1, 3]) {
    const image = naturalImage(`spatter${channels}`, 32, 32, channels);
    let waterChanged = 0;
    let mudChanged = 0;
    for (let seed = 0; seed < 6; seed++) {
      for (const severity of [1, 2, 3] as Severity[]) {
        const out = corruptImage('spatter', severity, image, createCorruptionRng(seed));
        assert.ok(out.every((v, i) => v >= image.data[i]!), 'water never darkens');
        waterChanged += meanAbsDifference(out, image.data);
      }
      const bright = uniformImage(32, 32, channels, 230);
      for (const severity of [4, 5] as Severity[]) {
        const out = corruptImage('spatter', severity, bright, createCorruptionRng(seed));
        assert.ok(out.every((v) => v <= 230), 'mud darkens a bright image');
        mudChanged += meanAbsDifference(out, bright.data);
      }
    }
    assert.ok(waterChanged > 0 && mudChanged > 0, `c${channels}: water ${waterChanged}, mud ${mudChanged}`);
  }
});
