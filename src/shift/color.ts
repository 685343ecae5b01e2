/**
 * HSV edits as skimage rgb2hsv → edit → hsv2rgb, computed directly on RGB: with hue fixed, every
 * channel is V·(1 − S·k) where k depends on hue only, so changing V or S is a per-pixel rescale.
 * Grayscale images are treated as RGB with three equal channels; the result goes back to one
 * channel through luma (0.299, 0.587, 0.114).
 */
import { LUMA, createImage } from './image.js';
import type { FloatImage } from './types.js';

type RgbEdit = (r: number, g: number, b: number, out: Float64Array) => void;

function mapRgb(image: FloatImage, edit: RgbEdit): FloatImage {
  const { height, width, channels, data } = image;
  const out = createImage(height, width, channels);
  const rgb = new Float64Array(3);
  const pixels = height * width;
  for (let p = 0; p < pixels; p++) {
    if (channels === 3) {
      edit(data[3 * p]!, data[3 * p + 1]!, data[3 * p + 2]!, rgb);
      out.data[3 * p] = rgb[0]!;
      out.data[3 * p + 1] = rgb[1]!;
      out.data[3 * p + 2] = rgb[2]!;
    } else {
      const v = data[p]!;
      edit(v, v, v, rgb);
      out.data[p] = LUMA[0] * rgb[0]! + LUMA[1] * rgb[1]! + LUMA[2] * rgb[2]!;
    }
  }
  return out;
}

/** V ← clip(V + delta, 0, 1), hue and saturation kept. Grayscale: g ← min(g + delta, 1). */
export function addValue(image: FloatImage, delta: number): FloatImage {
  return mapRgb(image, (r, g, b, out) => {
    const value = Math.max(r, g, b);
    const newValue = Math.min(1, Math.max(0, value + delta));
    if (value <= 0) {
      out[0] = out[1] = out[2] = newValue;
      return;
    }
    const scale = newValue / value;
    out[0] = r * scale;
    out[1] = g * scale;
    out[2] = b * scale;
  });
}

/**
 * S ← clip(S·scale + shift, 0, 1), hue and value kept. A grey pixel has hue 0 (red) in skimage,
 * so a positive shift tints greys red, as in the reference; on grayscale images that shows up
 * as the luma of the tinted pixel, V·(1 − 0.701·shift).
 */
export function scaleSaturation(image: FloatImage, scale: number, shift: number): FloatImage {
  return mapRgb(image, (r, g, b, out) => {
    const value = Math.max(r, g, b);
    const spread = value - Math.min(r, g, b);
    const saturation = value > 0 ? spread / value : 0;
    const newSaturation = Math.min(1, Math.max(0, saturation * scale + shift));
    if (spread <= 0) {
      // Hue 0: (V, V(1 − S), V(1 − S)).
      out[0] = value;
      out[1] = out[2] = value * (1 - newSaturation);
      return;
    }
    out[0] = value * (1 - (newSaturation * (value - r)) / spread);
    out[1] = value * (1 - (newSaturation * (value - g)) / spread);
    out[2] = value * (1 - (newSaturation * (value - b)) / spread);
  });
}
