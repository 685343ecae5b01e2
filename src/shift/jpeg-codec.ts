/**
 * JPEG round trip through jpeg-js. jpeg.encode() builds a new encoder (≈35 ms of table set-up)
 * per call; its JPEGEncoder class is not exported, so we evaluate the library's own encoder file
 * once in a vm context to reach the class and keep one encoder per quality (≈0.3 ms per 32×32
 * image, byte-identical output).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import vm from 'node:vm';
import jpeg from 'jpeg-js';

interface RgbaImage {
  data: Uint8Array;
  width: number;
  height: number;
}

interface JpegEncoder {
  encode(image: RgbaImage, quality: number): Uint8Array;
}

type JpegEncoderClass = new (quality: number) => JpegEncoder;

let encoderClass: JpegEncoderClass | null | undefined;
const encoders = new Map<number, JpegEncoder>();

function loadEncoderClass(): JpegEncoderClass | null {
  try {
    const require = createRequire(import.meta.url);
    const source = readFileSync(require.resolve('jpeg-js/lib/encoder.js'), 'utf8');
    const context: Record<string, unknown> = { module: { exports: {} }, Buffer, console };
    vm.runInNewContext(source, context, { filename: 'jpeg-js/lib/encoder.js' });
    return typeof context.JPEGEncoder === 'function' ? (context.JPEGEncoder as JpegEncoderClass) : null;
  } catch {
    return null;
  }
}

/** Baseline JPEG bytes of an RGBA image at `quality` (1…100). */
export function encodeJpeg(image: RgbaImage, quality: number): Uint8Array {
  if (encoderClass === undefined) encoderClass = loadEncoderClass();
  // Fall back to the public (slow) API if the library's layout ever changes.
  if (encoderClass === null) return jpeg.encode(image, quality).data;
  let encoder = encoders.get(quality);
  if (!encoder) {
    encoder = new encoderClass(quality);
    encoders.set(quality, encoder);
  }
  return encoder.encode(image, quality);
}

/** Decoded RGBA pixels. */
export function decodeJpeg(bytes: Uint8Array): Uint8Array {
  return jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true }).data;
}
