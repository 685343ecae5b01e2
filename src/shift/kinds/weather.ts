/** Weather family: snow, frost and fog. */
import { clippedZoom } from '../geometry.js';
import { createImage, floorTo8Bit, grayPlane, LUMA, roundTo8Bit } from '../image.js';
import { motionBlur } from '../motion.js';
import { numberParam } from '../params.js';
import { nextPowerOfTwo, plasmaFractal } from '../plasma.js';
import { fillNormal, randomInt, uniform } from '../random.js';
import { FROST_TEXTURE_COUNT, frostTextures } from '../frost-texture.js';
import type { KindImplementation } from '../types.js';

/**
 * Snow: N(mean, std) flakes, zoomed, thresholded, 8-bit, motion-blurred at U(−135°, −45°)
 * (falling); the image is whitened towards max(x, 1.5·gray + 0.5) by 1 − blend, then the flake
 * layer and its 180° rotation are added.
 */
export const snow: KindImplementation = {
  params: ['mean', 'std', 'zoom', 'threshold', 'blurRadius', 'blurSigma', 'blend'],
  apply(image, params, rng) {
    const { height, width, channels, data } = image;
    const threshold = numberParam(params, 'threshold');
    const blend = numberParam(params, 'blend');
    const flakes = createImage(height, width, 1);
    fillNormal(rng, flakes.data, numberParam(params, 'mean'), numberParam(params, 'std'));
    const zoomed = clippedZoom(flakes, numberParam(params, 'zoom'));
    for (let i = 0; i < zoomed.data.length; i++) if (zoomed.data[i]! < threshold) zoomed.data[i] = 0;
    floorTo8Bit(zoomed);
    const angle = uniform(rng, -135, -45);
    const layer = roundTo8Bit(motionBlur(zoomed, numberParam(params, 'blurRadius'), numberParam(params, 'blurSigma'), angle)).data;
    const gray = grayPlane(image);
    const out = createImage(height, width, channels);
    const pixels = height * width;
    for (let p = 0; p < pixels; p++) {
      const whitened = gray[p]! * 1.5 + 0.5;
      const flake = layer[p]! + layer[pixels - 1 - p]!;
      for (let c = 0; c < channels; c++) {
        const x = data[p * channels + c]!;
        out.data[p * channels + c] = blend * x + (1 - blend) * Math.max(x, whitened) + flake;
      }
    }
    return out;
  },
};

/** imageWeight·x + frostWeight·(random crop of one of the procedural frost textures). */
export const frost: KindImplementation = {
  params: ['imageWeight', 'frostWeight'],
  apply(image, params, rng) {
    const { height, width, channels, data } = image;
    const imageWeight = numberParam(params, 'imageWeight');
    const frostWeight = numberParam(params, 'frostWeight');
    const texture = frostTextures(height, width)[randomInt(rng, 0, FROST_TEXTURE_COUNT)]!;
    const top = randomInt(rng, 0, texture.height - height);
    const left = randomInt(rng, 0, texture.width - width);
    const out = createImage(height, width, channels);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const t = ((top + y) * texture.width + left + x) * 3;
        const p = (y * width + x) * channels;
        if (channels === 3) {
          for (let c = 0; c < 3; c++) out.data[p + c] = imageWeight * data[p + c]! + frostWeight * texture.data[t + c]!;
        } else {
          const ice = LUMA[0] * texture.data[t]! + LUMA[1] * texture.data[t + 1]! + LUMA[2] * texture.data[t + 2]!;
          out.data[p] = imageWeight * data[p]! + frostWeight * ice;
        }
      }
    }
    return out;
  },
};

/** (x + amount·plasma)·max/(max + amount): a plasma-fractal haze, rescaled to keep the peak value. */
export const fog: KindImplementation = {
  params: ['amount', 'decay'],
  apply(image, params, rng) {
    const { height, width, channels, data } = image;
    const amount = numberParam(params, 'amount');
    let max = 0;
    for (const v of data) if (v > max) max = v;
    const size = nextPowerOfTwo(Math.max(height, width));
    const haze = plasmaFractal(size, numberParam(params, 'decay'), rng);
    const scale = max / (max + amount);
    const out = createImage(height, width, channels);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const h = amount * haze[y * size + x]!;
        for (let c = 0; c < channels; c++) {
          const i = (y * width + x) * channels + c;
          out.data[i] = (data[i]! + h) * scale;
        }
      }
    }
    return out;
  },
};
