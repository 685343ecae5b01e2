/** Noise family: gaussian, shot (Poisson), impulse (salt & pepper) and speckle noise. */
import { cloneImage } from '../image.js';
import { numberParam } from '../params.js';
import { fillNormal, poisson, poissonTableSampler } from '../random.js';
import type { CorruptionRng } from '../types.js';
import type { KindImplementation } from '../types.js';

/** x + N(0, σ²) per element. */
export const gaussianNoise: KindImplementation = {
  params: ['sigma'],
  apply(image, params, rng) {
    const out = cloneImage(image);
    const noise = fillNormal(rng, new Float64Array(out.data.length), 0, numberParam(params, 'sigma'));
    for (let i = 0; i < out.data.length; i++) out.data[i]! += noise[i]!;
    return out;
  },
};

type Sampler = (rng: CorruptionRng) => number;
const levelSamplers = new Map<number, Sampler[]>();

/** Samplers for Poisson(level/255 · rate), level 0…255: 8-bit inputs skip the per-value lookup. */
function samplersFor8BitLevels(rate: number): Sampler[] {
  let samplers = levelSamplers.get(rate);
  if (!samplers) {
    samplers = Array.from({ length: 256 }, (_, level) => poissonTableSampler((level / 255) * rate));
    levelSamplers.set(rate, samplers);
  }
  return samplers;
}

/** Poisson(x·λ)/λ per element: photon counting noise, stronger for smaller λ. */
export const shotNoise: KindImplementation = {
  params: ['rate'],
  apply(image, params, rng) {
    const rate = numberParam(params, 'rate');
    const out = cloneImage(image);
    const samplers = samplersFor8BitLevels(rate);
    const data = out.data;
    for (let i = 0; i < data.length; i++) {
      const x = Math.max(0, data[i]!);
      const level = Math.round(x * 255);
      const count = level <= 255 && Math.abs(x * 255 - level) < 1e-9 ? samplers[level]!(rng) : poisson(rng, x * rate);
      data[i] = count / rate;
    }
    return out;
  },
};

/** Each element independently becomes 0 or 1 (equally likely) with probability `amount` (skimage s&p). */
export const impulseNoise: KindImplementation = {
  params: ['amount'],
  apply(image, params, rng) {
    const amount = numberParam(params, 'amount');
    const out = cloneImage(image);
    for (let i = 0; i < out.data.length; i++) {
      if (rng() < amount) out.data[i] = rng() < 0.5 ? 1 : 0;
    }
    return out;
  },
};

/** x + x·N(0, σ²) per element: multiplicative noise, none on black. */
export const speckleNoise: KindImplementation = {
  params: ['sigma'],
  apply(image, params, rng) {
    const out = cloneImage(image);
    const noise = fillNormal(rng, new Float64Array(out.data.length), 0, numberParam(params, 'sigma'));
    for (let i = 0; i < out.data.length; i++) out.data[i]! += out.data[i]! * noise[i]!;
    return out;
  },
};
