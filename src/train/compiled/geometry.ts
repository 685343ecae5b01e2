/**
 * Output sizes and padding of windowed ops (convs, pools) exactly as tfjs computes them, so the
 * compiled network reads the same pixels as the tfjs model it was compiled from.
 */
export interface Window {
  kernel: number;
  stride: number;
  dilation: number;
}

export interface Extent {
  output: number;
  /** Zero rows (or columns) before the input; the rest of the padding goes after it. */
  padBefore: number;
}

/** tfjs's 'same' (output ceil(in/stride), padding split with the smaller half first) and 'valid'. */
export function windowExtent(input: number, window: Window, padding: 'same' | 'valid'): Extent {
  const effective = (window.kernel - 1) * window.dilation + 1;
  if (padding === 'valid') return { output: Math.ceil((input - effective + 1) / window.stride), padBefore: 0 };
  const output = Math.ceil(input / window.stride);
  const total = Math.max(0, (output - 1) * window.stride + effective - input);
  return { output, padBefore: Math.floor(total / 2) };
}
