/**
 * The building blocks the DARTS and NB201 networks are described with (darts-network.ts,
 * nb201-network.ts), over a builder context C and a feature type F. Two implementations: tfjs
 * layers (blocks.ts, to train) and ONNX nodes (export/onnx/layers.ts, to deploy), so both build
 * one network from one description. No tfjs here: export/ imports it.
 */
export interface NetworkBlocks<C, F> {
  channelsOf(x: F): number;
  relu(c: C, name: string, x: F): F;
  batchNorm(c: C, name: string, x: F): F;
  add(c: C, name: string, xs: F[]): F;
  concat(c: C, name: string, xs: F[]): F;
  /** The even pixels (rows and columns 0, 2, …). */
  subsample2(c: C, name: string, x: F): F;
  conv(c: C, name: string, x: F, filters: number, kernel: number, stride: 1 | 2): F;
  reluConvBn(c: C, name: string, x: F, filters: number, kernel: number, stride: 1 | 2): F;
  separableConv(c: C, name: string, x: F, filters: number, kernel: number, stride: 1 | 2): F;
  /** Depthwise dilation 2, then pointwise, stride 1. */
  dilatedSeparableConv(c: C, name: string, x: F, filters: number, kernel: number): F;
  pool3x3(c: C, name: string, x: F, kind: 'max' | 'avg', stride: 1 | 2): F;
  /** 2×2 average pooling, stride 2, 'same' padding (ceil(H/2), also for odd sizes). */
  avgPool2x2Same(c: C, name: string, x: F): F;
  factorizedReduce(c: C, name: string, x: F, filters: number): F;
  zerosLike(c: C, name: string, x: F, filters: number): F;
}
