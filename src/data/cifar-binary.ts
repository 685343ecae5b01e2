/**
 * The binary releases of CIFAR-10 and CIFAR-100 (Krizhevsky, 2009): files of fixed-size records,
 * each the label byte(s) and then 3,072 pixel bytes: 1,024 red, 1,024 green, 1,024 blue, each plane
 * row-major 32×32. nes holds images NHWC, so the planes are interleaved on reading.
 */
import { readFileSync } from 'node:fs';
import { DataFormatError } from './errors.js';
import type { LabelledImages } from './types.js';

export const CIFAR_SIDE = 32;
const PLANE_BYTES = CIFAR_SIDE * CIFAR_SIDE;
const CHANNELS = 3;
export const CIFAR_PIXEL_BYTES = CHANNELS * PLANE_BYTES;

/** One label byte of a record: what it is called in messages and how many classes it has. */
export interface CifarLabelByte {
  name: string;
  numClasses: number;
}

export interface CifarRecordLayout {
  /** What the file is, for messages: "a CIFAR-10 batch file". */
  what: string;
  /** The label bytes before the pixels, in file order (CIFAR-100: coarse, then fine). */
  labelBytes: readonly CifarLabelByte[];
  /** Index into labelBytes of the label kept as the class. */
  classLabel: number;
  /** Records of the official file; a file with more is not this file. */
  officialRecords: number;
}

export function recordBytes(layout: CifarRecordLayout): number {
  return layout.labelBytes.length + CIFAR_PIXEL_BYTES;
}

/**
 * Decodes a whole file of records. Every label byte is range-checked (also the one not kept),
 * since a label out of range means the file is not of this layout. Smaller files than the
 * official ones are accepted (subsets, tests); larger ones are not.
 */
export function parseCifarRecords(buf: Uint8Array, layout: CifarRecordLayout, source: string): LabelledImages {
  const size = recordBytes(layout);
  const labelCount = layout.labelBytes.length;
  const recordDescription = `${size}-byte records (${labelCount} label byte${labelCount > 1 ? 's' : ''} + ${CIFAR_PIXEL_BYTES} pixel bytes)`;
  if (buf.length === 0) throw new DataFormatError(source, `empty file (expected ${layout.what}: ${recordDescription})`);
  const count = Math.floor(buf.length / size);
  const leftOver = buf.length % size;
  if (leftOver !== 0) {
    throw new DataFormatError(
      source,
      `${buf.length} bytes is not a whole number of ${recordDescription}: ${count} records and ${leftOver} bytes over; the file is truncated or not ${layout.what}`,
    );
  }
  if (count > layout.officialRecords) {
    throw new DataFormatError(source, `${count} records, expected at most ${layout.officialRecords} (${layout.what})`);
  }
  const images = new Uint8Array(count * CIFAR_PIXEL_BYTES);
  const labels = new Uint8Array(count);
  for (let record = 0; record < count; record++) {
    const start = record * size;
    layout.labelBytes.forEach(({ name, numClasses }, index) => {
      const value = buf[start + index]!;
      if (value >= numClasses) {
        throw new DataFormatError(source, `record ${record} has ${name} ${value}, expected a class in [0, ${numClasses}) (${layout.what})`);
      }
    });
    labels[record] = buf[start + layout.classLabel]!;
    const pixels = start + labelCount;
    const out = record * CIFAR_PIXEL_BYTES;
    for (let p = 0; p < PLANE_BYTES; p++) {
      for (let c = 0; c < CHANNELS; c++) images[out + p * CHANNELS + c] = buf[pixels + c * PLANE_BYTES + p]!;
    }
  }
  return { images, labels, count, height: CIFAR_SIDE, width: CIFAR_SIDE, channels: CHANNELS };
}

export function readCifarRecords(path: string, layout: CifarRecordLayout): LabelledImages {
  let buf: Uint8Array;
  try {
    buf = readFileSync(path);
  } catch (error) {
    throw new DataFormatError(path, `cannot read file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  return parseCifarRecords(buf, layout, path);
}

/** A label-names file (batches.meta.txt, fine_label_names.txt, …): one name a line, blank lines ignored. */
export function readLabelNames(path: string, expected: number): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new DataFormatError(path, `cannot read file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const names = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line.length > 0);
  if (names.length !== expected) {
    throw new DataFormatError(path, `${names.length} class names, expected ${expected} (one a line)`);
  }
  return names;
}
