/**
 * IDX files (the MNIST / Fashion-MNIST format): big-endian header, unsigned-byte data only.
 * Gzipped files are detected by their magic bytes (1f 8b), not by the file name.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { writeFileAtomic } from '../util/atomic-write.js';
import { DataFormatError } from './errors.js';
import type { LabelledImages } from './types.js';

const UBYTE = 0x08;

export interface IdxImages {
  images: Uint8Array;
  count: number;
  height: number;
  width: number;
  channels: 1;
}

function hex32(value: number): string {
  return '0x' + (value >>> 0).toString(16).padStart(8, '0');
}

function readMaybeGzipped(path: string): Uint8Array {
  let raw: Uint8Array;
  try {
    raw = readFileSync(path);
  } catch (error) {
    throw new DataFormatError(path, `cannot read file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      return gunzipSync(raw);
    } catch (error) {
      throw new DataFormatError(path, `corrupt gzip data (${(error as Error).message})`);
    }
  }
  return raw;
}

/**
 * Parses an (already decompressed) IDX ubyte buffer with the expected number of dimensions.
 * The data is copied into its own ArrayBuffer (byteOffset 0), so it can be transferred or shared.
 */
export function parseIdx(buf: Uint8Array, expectedDims: number, source = '<idx buffer>'): { dims: number[]; data: Uint8Array } {
  const expectedMagic = (UBYTE << 8) | expectedDims;
  const what = expectedDims === 1 ? 'IDX ubyte labels' : expectedDims === 3 ? 'IDX ubyte images' : `IDX ubyte ${expectedDims}-d`;
  if (buf.length < 4) {
    throw new DataFormatError(source, `truncated header: expected at least 4 bytes, got ${buf.length}`);
  }
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = view.getUint32(0, false);
  if (magic !== expectedMagic) {
    throw new DataFormatError(source, `bad magic number ${hex32(magic)} (expected ${hex32(expectedMagic)} for ${what})`);
  }
  const headerBytes = 4 + 4 * expectedDims;
  if (buf.length < headerBytes) {
    throw new DataFormatError(source, `truncated header: expected ${headerBytes} bytes, got ${buf.length}`);
  }
  const dims = Array.from({ length: expectedDims }, (_, i) => view.getUint32(4 + 4 * i, false));
  const dataBytes = dims.reduce((product, dim) => product * dim, 1);
  const actualBytes = buf.length - headerBytes;
  if (actualBytes !== dataBytes) {
    const problem = actualBytes < dataBytes ? 'truncated data' : 'trailing bytes after data';
    throw new DataFormatError(source, `${problem}: expected ${dataBytes} bytes for dimensions ${dims.join('×')}, got ${actualBytes}`);
  }
  return { dims, data: new Uint8Array(buf.subarray(headerBytes)) };
}

export function readIdxImages(path: string): IdxImages {
  const { dims, data } = parseIdx(readMaybeGzipped(path), 3, path);
  const [count, height, width] = dims;
  return { images: data, count, height, width, channels: 1 };
}

export function readIdxLabels(path: string, numClasses = 10): Uint8Array {
  const { data } = parseIdx(readMaybeGzipped(path), 1, path);
  const badIndex = data.findIndex((label) => label >= numClasses);
  if (badIndex >= 0) {
    throw new DataFormatError(path, `label at index ${badIndex} is ${data[badIndex]}, expected a class in [0, ${numClasses})`);
  }
  return data;
}

/** Reads an images file and its labels file, checking that their counts agree. */
export function readIdxPair(imagesPath: string, labelsPath: string, numClasses = 10): LabelledImages {
  const images = readIdxImages(imagesPath);
  const labels = readIdxLabels(labelsPath, numClasses);
  if (labels.length !== images.count) {
    throw new DataFormatError(labelsPath, `${labels.length} labels, expected ${images.count} to match the images in ${imagesPath}`);
  }
  return { images: images.images, labels, count: images.count, height: images.height, width: images.width, channels: 1 };
}

/** Encodes ubyte data as IDX with the given dimensions (e.g. [count] or [count, height, width]). */
export function encodeIdx(data: Uint8Array, dims: number[]): Uint8Array {
  const expectedBytes = dims.reduce((product, dim) => product * dim, 1);
  if (dims.length < 1 || dims.length > 255 || data.length !== expectedBytes) {
    throw new DataFormatError('<idx encode>', `data has ${data.length} bytes, dimensions ${dims.join('×')} need ${expectedBytes}`);
  }
  const headerBytes = 4 + 4 * dims.length;
  const out = new Uint8Array(headerBytes + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, (UBYTE << 8) | dims.length, false);
  dims.forEach((dim, i) => view.setUint32(4 + 4 * i, dim, false));
  out.set(data, headerBytes);
  return out;
}

/** Writes a gzipped IDX file atomically. Compression level 9: written once, read many times. */
export function writeIdx(path: string, data: Uint8Array, dims: number[]): void {
  writeFileAtomic(path, gzipSync(encodeIdx(data, dims), { level: 9 }));
}
