/** Public entry points: corrupt one image, or a batch with one seeded random kind per image. */
import { assertImageShape, toFloatImage, toUint8 } from './image.js';
import { imageRng } from './random.js';
import { kindImplementation } from './registry.js';
import { defaultSpecs } from './suite.js';
import type { CorruptionSuite, ImageInput, KindSpec, CorruptionRng } from './types.js';

export type Severity = 1 | 2 | 3 | 4 | 5;

function specFor(kind: string, suite?: CorruptionSuite): KindSpec {
  const specs = suite?.specs ?? defaultSpecs();
  const spec = Object.hasOwn(specs, kind) ? specs[kind] : undefined;
  if (!spec) throw new RangeError(`no parameters for corruption kind "${kind}"`);
  return spec;
}

/**
 * Corrupts one image (HWC, uint8 or float 0..1, 1 or 3 channels) with `kind` at `severity`,
 * using `rng` for every random choice. Parameters come from `suite` (default:
 * corruptions/cifar10-c.json). Returns uint8: clipped to 0..1, then ⌊v·255⌋.
 */
export function corruptImage(kind: string, severity: Severity, image: ImageInput, rng: CorruptionRng, suite?: CorruptionSuite): Uint8Array {
  if (!Number.isInteger(severity) || severity < 1 || severity > 5) throw new RangeError(`severity must be 1…5, got ${severity}`);
  const implementation = kindImplementation(kind);
  const spec = specFor(kind, suite);
  return toUint8(implementation.apply(toFloatImage(image), spec.severities[severity - 1]!, rng, spec));
}

export interface ImageBatch {
  /** count × height × width × channels bytes. */
  images: Uint8Array;
  count: number;
  height: number;
  width: number;
  channels: number;
}

export interface CorruptBatchOptions {
  /** A suite, or kind names (parameters from corruptions/cifar10-c.json). */
  suite: CorruptionSuite | string[];
  /** 0 = clean copy. */
  severity: 0 | Severity;
  seed: number | string;
  /** Use this kind for every image instead of drawing one per image. */
  kind?: string;
  /** Index of the batch's first image in the whole data set (default 0), for split batches. */
  indexOffset?: number;
}

/** Kind recorded for images left clean (severity 0). */
export const CLEAN = 'clean';

/**
 * The kind of one image, uniform over `kinds`: the first draw of the image's generator
 * (imageRng(seed, index)), so generated and released corrupted sets agree on it.
 */
export function drawKind(rng: CorruptionRng, kinds: readonly string[]): string {
  return kinds[Math.floor(rng() * kinds.length)]!;
}

/**
 * Corrupts every image: at severity s ≥ 1 each image gets one kind drawn uniformly from the suite
 * (or `kind`), with a generator derived from (seed, indexOffset + index), so a given image
 * comes out the same however the data set is split into batches.
 */
export function corruptBatch(batch: ImageBatch, options: CorruptBatchOptions): { images: Uint8Array; kinds: string[] } {
  const { count, height, width, channels } = batch;
  const { severity, seed } = options;
  const size = height * width * channels;
  if (batch.images.length !== count * size) throw new RangeError(`batch holds ${batch.images.length} bytes, expected ${count}×${height}×${width}×${channels}`);
  if (![0, 1, 2, 3, 4, 5].includes(severity)) throw new RangeError(`severity must be 0…5, got ${severity}`);
  const suite = Array.isArray(options.suite) ? undefined : options.suite;
  const members = Array.isArray(options.suite) ? options.suite : options.suite.kinds;
  if (options.kind === undefined && members.length === 0) throw new RangeError('corruptBatch: the suite has no kinds');
  for (const kind of options.kind === undefined ? members : [options.kind]) specFor(kind, suite);
  const images = new Uint8Array(batch.images.length);
  const kinds: string[] = [];
  for (let index = 0; index < count; index++) {
    const data = batch.images.subarray(index * size, (index + 1) * size);
    if (severity === 0) {
      images.set(data, index * size);
      kinds.push(CLEAN);
      continue;
    }
    const rng = imageRng(seed, (options.indexOffset ?? 0) + index);
    // Draw the kind first, so the draw is the same whether or not `kind` is forced elsewhere.
    const drawn = members.length > 0 ? drawKind(rng, members) : options.kind!;
    const kind = options.kind ?? drawn;
    const image = { data, height, width, channels };
    assertImageShape(image);
    images.set(corruptImage(kind, severity, image, rng, suite), index * size);
    kinds.push(kind);
  }
  return { images, kinds };
}
