/** A labelled image set, NHWC uint8 (pixel values 0..255). Buffers may be SharedArrayBuffer-backed. */
export interface LabelledImages {
  /** count × height × width × channels bytes, image after image, row-major, channels last. */
  images: Uint8Array;
  /** count class indices in [0, numClasses). */
  labels: Uint8Array;
  count: number;
  height: number;
  width: number;
  channels: number;
}

export interface DatasetSplits {
  name: string;
  classNames: string[];
  numClasses: number;
  train: LabelledImages;
  validation: LabelledImages;
  test: LabelledImages;
  /** Computed on `train`. */
  normalization: Normalization;
}

/**
 * Per-channel statistics on the 0..1 pixel scale that a network's inputs are normalised with:
 * x ↦ (x/255 − mean[c]) / std[c]. Computed on the training split; training, prediction, results.json
 * (dataset.normalization) and exported ensembles (ensemble.json: preprocessing) all use these.
 */
export interface Normalization {
  mean: number[];
  std: number[];
}
