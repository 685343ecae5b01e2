/**
 * Spatter (validation suite): water drops or mud from a thresholded, smoothed noise layer, after
 * make_cifar_c. Water: the drop layer is shaded by an embossed, equalised distance-to-edge map and
 * adds pale turquoise (175, 238, 238); mud: smoothed drop masks above 0.8 paint brown (63, 42, 20).
 * Grayscale images get the luma of those colours.
 */
import { BOX_3X3, canny, distanceTransform, equalizeHistogram, filter3x3 } from '../cv.js';
import { gaussianFilter } from '../filters.js';
import { cloneImage, colourForChannels, createImage } from '../image.js';
import { numberParam, stringParam } from '../params.js';
import { fillNormal } from '../random.js';
import type { FloatImage, KindImplementation } from '../types.js';

const WATER_RGB: [number, number, number] = [175 / 255, 238 / 255, 238 / 255];
const MUD_RGB: [number, number, number] = [63 / 255, 42 / 255, 20 / 255];
const EMBOSS = [-2, -1, 0, -1, 1, 1, 0, 1, 2];

/** Per-pixel water opacity (0..intensity) from the 8-bit liquid layer. */
function waterOpacity(liquid8: Uint8Array, height: number, width: number, intensity: number): Float64Array {
  const edges = canny(liquid8, height, width, 50, 150);
  const distance = distanceTransform(edges.map((v) => 255 - v), height, width);
  for (let i = 0; i < distance.length; i++) distance[i] = Math.min(distance[i]!, 20);
  const blurred = filter3x3(distance, height, width, BOX_3X3, false);
  const shade8 = equalizeHistogram(Uint8Array.from(blurred, (v) => Math.trunc(v)));
  const embossed = filter3x3(shade8, height, width, EMBOSS, true);
  const shade = filter3x3(embossed, height, width, BOX_3X3, true);
  const opacity = new Float64Array(height * width);
  let max = 0;
  for (let i = 0; i < opacity.length; i++) {
    opacity[i] = liquid8[i]! * shade[i]!;
    if (opacity[i]! > max) max = opacity[i]!;
  }
  for (let i = 0; i < opacity.length; i++) opacity[i] = max > 0 ? (opacity[i]! / max) * intensity : 0;
  return opacity;
}

export const spatter: KindImplementation = {
  params: ['loc', 'scale', 'sigma', 'threshold', 'intensity', 'mode'],
  apply(image, params, rng): FloatImage {
    const { height, width, channels } = image;
    const threshold = numberParam(params, 'threshold');
    const intensity = numberParam(params, 'intensity');
    const mode = stringParam(params, 'mode');
    const noise = createImage(height, width, 1);
    fillNormal(rng, noise.data, numberParam(params, 'loc'), numberParam(params, 'scale'));
    const liquid = gaussianFilter(noise, numberParam(params, 'sigma')).data;
    for (let i = 0; i < liquid.length; i++) if (liquid[i]! < threshold) liquid[i] = 0;
    const out = cloneImage(image);
    const pixels = height * width;
    if (mode === 'water') {
      // The reference casts with astype(uint8) (wrapping above 1); clamping is the intent.
      const liquid8 = Uint8Array.from(liquid, (v) => Math.min(255, Math.floor(v * 255)));
      const opacity = waterOpacity(liquid8, height, width, intensity);
      const colour = colourForChannels(WATER_RGB, channels);
      for (let p = 0; p < pixels; p++) {
        for (let c = 0; c < channels; c++) out.data[p * channels + c]! += opacity[p]! * colour[c]!;
      }
      return out;
    }
    if (mode !== 'mud') throw new RangeError(`spatter mode must be "water" or "mud", got "${mode}"`);
    const mask = createImage(height, width, 1);
    for (let i = 0; i < pixels; i++) mask.data[i] = liquid[i]! > threshold ? 1 : 0;
    const cover = gaussianFilter(mask, intensity).data;
    const colour = colourForChannels(MUD_RGB, channels);
    for (let p = 0; p < pixels; p++) {
      const m = cover[p]! < 0.8 ? 0 : cover[p]!;
      for (let c = 0; c < channels; c++) {
        const i = p * channels + c;
        out.data[i] = out.data[i]! * (1 - m) + colour[c]! * m;
      }
    }
    return out;
  },
};
