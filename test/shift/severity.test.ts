/**
 * A higher severity changes the image more (mean |corrupted − clean|, averaged over images and
 * seeds) for the kinds where the published parameters are ordered that way. Not checked, since
 * the reference parameters are not monotonic: elastic_transform, glass_blur, spatter, saturate, frost.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { corruptImage, createCorruptionRng } from '../../src/shift/index.js';
import type { Severity } from '../../src/shift/index.js';
import { mean, meanAbsDifference, naturalImage, randomImage } from './helpers.js';

const MONOTONIC = [
  'gaussian_noise', 'shot_noise', 'impulse_noise', 'speckle_noise',
  'defocus_blur', 'motion_blur', 'zoom_blur', 'gaussian_blur',
  'brightness', 'contrast', 'fog', 'snow', 'pixelate', 'jpeg_compression',
];
const SEVERITIES: Severity[] = [1, 2, 3, 4, 5];
// motion_blur severities 3 → 4 only lengthen the kernel from 13 to 17 taps at the same σ = 2; the
// added taps weigh < e⁻⁹, so those two are equal up to this tolerance.
const TOLERANCE = 0.01;

for (const channels of [1, 3]) {
  test(`change from the clean image grows with severity (${channels} channel${channels > 1 ? 's' : ''})`, () => {
    const images = [
      ...[0, 1, 2, 3, 4].map((i) => naturalImage(`sev${i}`, 32, 32, channels)),
      randomImage('sev-random', 32, 32, channels),
    ];
    for (const kind of MONOTONIC) {
      const change = SEVERITIES.map((severity) =>
        mean(images.flatMap((image, i) => [0, 1].map((seed) => meanAbsDifference(corruptImage(kind, severity, image, createCorruptionRng(`${kind}/${i}/${seed}`)), image.data)))),
      );
      for (let s = 1; s < 5; s++) {
        assert.ok(change[s]! > change[s - 1]! * (1 - TOLERANCE), `${kind}: severity ${s + 1} (${change[s]!.toFixed(2)}) < severity ${s} (${change[s - 1]!.toFixed(2)})`);
      }
      assert.ok(change[4]! > 1.2 * change[0]!, `${kind}: severity 5 barely differs from 1 (${change.map((c) => c.toFixed(2)).join(', ')})`);
    }
  });
}
