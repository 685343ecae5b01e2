/**
 * Exported ensembles take raw pixels, 0..255 (ensemble.json: input.range). Images on another
 * scale are not an error tfjs would notice: x/255 images came back as one class for every input
 * (issue 20, item 2). So values outside 0..255, or float images that never exceed 1, are refused
 * with the fix.
 */
import { EnsembleInputError } from './errors.js';

export interface PixelRange {
  min: number;
  max: number;
}

export function pixelRange(values: ArrayLike<number>): PixelRange {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) throw new EnsembleInputError(`pixel value ${v} at flat index ${i} is not a finite number`);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

/** Throws when images are clearly not raw 0..255 pixels; `integer` inputs (uint8, int64 …) may be dark. */
export function checkPixelRange(range: PixelRange, what: string, integer: boolean): void {
  // Float32 values print with noise digits (-0.800000011920929); four significant digits say enough.
  const min = Number(range.min.toPrecision(4));
  const max = Number(range.max.toPrecision(4));
  if (min < 0) {
    throw new EnsembleInputError(
      `${what}: pixel values go down to ${min}; this ensemble takes raw pixels 0..255 and normalises them itself: pass the images before normalisation`,
    );
  }
  if (max > 255) throw new EnsembleInputError(`${what}: pixel values go up to ${max}; this ensemble takes raw pixels 0..255`);
  if (!integer && max <= 1 && max > 0) {
    throw new EnsembleInputError(
      `${what}: float pixel values lie in [0, ${max}], which looks like images scaled to 0..1; this ensemble takes raw pixels 0..255: multiply by 255 (x * 255) or pass the uint8 images`,
    );
  }
}
