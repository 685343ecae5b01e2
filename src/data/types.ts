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
  /** Per channel, on the 0..1 pixel scale, computed on `train`. */
  normalization: { mean: number[]; std: number[] };
}
