/**
 * JPEG round trip as the reference generator's PIL does it: 4:2:0 baseline encoding
 * (jpeg-encoder.ts) and decoding through jpeg-js, which reads any baseline sampling.
 */
import jpeg from 'jpeg-js';
import { encodeJpeg420, type RgbaImage } from './jpeg-encoder.js';

/** Baseline JPEG bytes of an RGBA image at `quality` (1…100), chroma subsampled 4:2:0. */
export function encodeJpeg(image: RgbaImage, quality: number): Uint8Array {
  return encodeJpeg420(image, quality);
}

/** Decoded RGBA pixels. */
export function decodeJpeg(bytes: Uint8Array): Uint8Array {
  return jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true }).data;
}
