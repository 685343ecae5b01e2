export interface BuildOptions {
  /** [height, width, channels] of one image. */
  inputShape: [number, number, number];
  numClasses: number;
  /** Seeds every initializer: same seed ⇒ identical weights. */
  seed: number;
}
