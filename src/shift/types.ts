/** Shared types of the corruption (dataset shift) module. */

/**
 * A uniform random source on [0, 1) for image corruptions: a fast seeded stream (Alea), one per
 * image, seeded by (seed, image index). Not util/rng.ts's Rng, which the search and training draw
 * from: corrupted sets must stay bit-identical to the reference whatever the search does.
 */
export type CorruptionRng = () => number;

/** One image, HWC (channels last), uint8 (0..255) or float (0..1), 1 or 3 channels. */
export interface ImageInput {
  data: Uint8Array | Float32Array;
  height: number;
  width: number;
  channels: number;
}

/** Working copy of one image: HWC float64, values nominally in 0..1 (not clipped between steps). */
export interface FloatImage {
  data: Float64Array;
  height: number;
  width: number;
  channels: number;
}

/** The parameters of one kind at one severity, by name (see corruptions/cifar10-c.json). */
export type SeverityParams = Readonly<Record<string, number | string | readonly number[]>>;

/** One corruption kind as stored in a suite file. */
export interface KindSpec {
  family: 'noise' | 'blur' | 'weather' | 'digital';
  description?: string;
  /** Image side the pixel-valued parameters were published for; they scale with min(height, width). */
  referenceSize?: number;
  /** Exactly 5 entries: severities 1…5. */
  severities: SeverityParams[];
}

/** A set of kinds and their per-severity parameters (e.g. the CIFAR-10-C test suite). */
export interface CorruptionSuite {
  name: string;
  /** Kinds in the suite, the uniform draw in corruptBatch picks among these. */
  kinds: string[];
  /** Parameters for (at least) every kind in `kinds`. */
  specs: Readonly<Record<string, KindSpec>>;
}

/** A corruption: returns a new float image (unclipped is fine: the caller clips and quantises). */
export type CorruptionFn = (image: FloatImage, params: SeverityParams, rng: CorruptionRng, spec: KindSpec) => FloatImage;

export interface KindImplementation {
  /** Parameter names each severity entry must hold. */
  params: readonly string[];
  apply: CorruptionFn;
}
