/**
 * Loader for the AssemblyScript training kernels (wasm/kernels.ts, built into
 * dist/wasm/nes-kernels.wasm by `npm run build:wasm`) and an arena allocator over their memory.
 *
 * Every pointer is a byte offset into the module's memory; tensors are f32 NHWC. Forward kernels
 * overwrite their outputs, backward kernels accumulate (+=) into their gradient outputs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../version.js';

type Ptr = number;

/** Every kernel exported by nes-kernels.wasm (numbers in, numbers out). */
export interface Kernels {
  readonly memory: WasmMemory;
  /** First byte after the module's static data: the arena owns everything from here on. */
  heapBase(): number;

  /** y[n,oh,ow,cout] = Σ x·filter[kh,kw,cin,cout] (writes). */
  conv2d(x: Ptr, filter: Ptr, y: Ptr, n: number, h: number, w: number, cin: number, oh: number, ow: number,
    cout: number, kh: number, kw: number, stride: number, dilation: number, padTop: number, padLeft: number): void;
  /** dx[n,h,w,cin] += transpose of conv2d applied to dy. */
  conv2dBackpropInput(dy: Ptr, filter: Ptr, dx: Ptr, n: number, h: number, w: number, cin: number, oh: number,
    ow: number, cout: number, kh: number, kw: number, stride: number, dilation: number, padTop: number,
    padLeft: number): void;
  /** dfilter[kh,kw,cin,cout] += Σ x·dy. */
  conv2dBackpropFilter(x: Ptr, dy: Ptr, dfilter: Ptr, n: number, h: number, w: number, cin: number, oh: number,
    ow: number, cout: number, kh: number, kw: number, stride: number, dilation: number, padTop: number,
    padLeft: number): void;

  /** y[n,oh,ow,c] = Σ x·filter[kh,kw,c] (writes). */
  depthwiseConv2d(x: Ptr, filter: Ptr, y: Ptr, n: number, h: number, w: number, c: number, oh: number, ow: number,
    kh: number, kw: number, stride: number, dilation: number, padTop: number, padLeft: number): void;
  /** dx += (accumulates). */
  depthwiseBackpropInput(dy: Ptr, filter: Ptr, dx: Ptr, n: number, h: number, w: number, c: number, oh: number,
    ow: number, kh: number, kw: number, stride: number, dilation: number, padTop: number, padLeft: number): void;
  /** dfilter += (accumulates). */
  depthwiseBackpropFilter(x: Ptr, dy: Ptr, dfilter: Ptr, n: number, h: number, w: number, c: number, oh: number,
    ow: number, kh: number, kw: number, stride: number, dilation: number, padTop: number, padLeft: number): void;

  // The same convolutions applied to relu(x) = max(x, 0), the ReLU fused into the kernel (no relu(x)
  // buffer). The backprop-input kernels also take x: dx += (x > 0) · (what the plain kernel adds).

  /** conv2d of relu(x) (writes). */
  conv2dRelu(x: Ptr, filter: Ptr, y: Ptr, n: number, h: number, w: number, cin: number, oh: number, ow: number,
    cout: number, kh: number, kw: number, stride: number, dilation: number, padTop: number, padLeft: number): void;
  /** dx[n,h,w,cin] += (x > 0) · conv2dBackpropInput(dy). */
  conv2dBackpropInputRelu(dy: Ptr, filter: Ptr, x: Ptr, dx: Ptr, n: number, h: number, w: number, cin: number,
    oh: number, ow: number, cout: number, kh: number, kw: number, stride: number, dilation: number, padTop: number,
    padLeft: number): void;
  /** dfilter += Σ relu(x)·dy. */
  conv2dBackpropFilterRelu(x: Ptr, dy: Ptr, dfilter: Ptr, n: number, h: number, w: number, cin: number, oh: number,
    ow: number, cout: number, kh: number, kw: number, stride: number, dilation: number, padTop: number,
    padLeft: number): void;
  /** depthwiseConv2d of relu(x) (writes). */
  depthwiseConv2dRelu(x: Ptr, filter: Ptr, y: Ptr, n: number, h: number, w: number, c: number, oh: number,
    ow: number, kh: number, kw: number, stride: number, dilation: number, padTop: number, padLeft: number): void;
  /** dx += (x > 0) · depthwiseBackpropInput(dy). */
  depthwiseBackpropInputRelu(dy: Ptr, filter: Ptr, x: Ptr, dx: Ptr, n: number, h: number, w: number, c: number,
    oh: number, ow: number, kh: number, kw: number, stride: number, dilation: number, padTop: number,
    padLeft: number): void;
  /** dfilter += Σ relu(x)·dy. */
  depthwiseBackpropFilterRelu(x: Ptr, dy: Ptr, dfilter: Ptr, n: number, h: number, w: number, c: number, oh: number,
    ow: number, kh: number, kw: number, stride: number, dilation: number, padTop: number, padLeft: number): void;

  /** y = max(x, 0) (writes). */
  relu(x: Ptr, y: Ptr, len: number): void;
  /** dx += dy where x > 0. */
  reluBackprop(x: Ptr, dy: Ptr, dx: Ptr, len: number): void;
  /** y = a + b (writes). */
  add(a: Ptr, b: Ptr, y: Ptr, len: number): void;
  /** dst += src. */
  accumulate(src: Ptr, dst: Ptr, len: number): void;
  /** dst = src·factor (writes). */
  scale(src: Ptr, dst: Ptr, len: number, factor: number): void;
  fill(dst: Ptr, len: number, value: number): void;
  /** dst[r·dstStride + i] = src[r·srcStride + i], strides and lengths in floats. */
  copyRows(src: Ptr, dst: Ptr, rows: number, rowLength: number, srcStride: number, dstStride: number): void;
  /** dst[r·dstStride + i] += src[r·srcStride + i]. */
  accumulateRows(src: Ptr, dst: Ptr, rows: number, rowLength: number, srcStride: number, dstStride: number): void;

  /** y[r, ch] += bias[ch]. */
  addBias(y: Ptr, bias: Ptr, rows: number, c: number): void;
  /** out[ch] += Σ_r x[r, ch]. */
  sumRows(x: Ptr, rows: number, c: number, out: Ptr): void;
  /** Writes the per-channel mean and biased variance of x[rows, c]. */
  batchNormStats(x: Ptr, rows: number, c: number, mean: Ptr, variance: Ptr): void;
  /** y[r, ch] = x[r, ch]·scale[ch] + shift[ch] (writes). */
  batchNormApply(x: Ptr, y: Ptr, rows: number, c: number, scale: Ptr, shift: Ptr): void;
  /** Training-mode BN gradient: dgamma += Σdy·x̂, dbeta += Σdy, dx += γ·invStd·(dy − Σdy/rows − x̂·Σdy·x̂/rows). */
  batchNormBackprop(x: Ptr, dy: Ptr, dx: Ptr, rows: number, c: number, mean: Ptr, invStd: Ptr, gamma: Ptr,
    dgamma: Ptr, dbeta: Ptr): void;

  /** y = window max, argmax (Int32) = flat element index into x of the max (first on ties). */
  maxPool(x: Ptr, y: Ptr, argmax: Ptr, n: number, h: number, w: number, c: number, oh: number, ow: number,
    kh: number, kw: number, stride: number, padTop: number, padLeft: number): void;
  /** dx[argmax[i]] += dy[i]. */
  maxPoolBackprop(dy: Ptr, argmax: Ptr, dx: Ptr, len: number): void;
  /** Mean over the in-bounds window pixels (count_include_pad = false). */
  avgPool(x: Ptr, y: Ptr, n: number, h: number, w: number, c: number, oh: number, ow: number,
    kh: number, kw: number, stride: number, padTop: number, padLeft: number): void;
  /** dx += dy / count over each window's in-bounds pixels. */
  avgPoolBackprop(dy: Ptr, dx: Ptr, n: number, h: number, w: number, c: number, oh: number, ow: number,
    kh: number, kw: number, stride: number, padTop: number, padLeft: number): void;
  /** y[n, c] = mean over hw of x[n, hw, c] (writes). */
  globalAvgPool(x: Ptr, y: Ptr, n: number, hw: number, c: number): void;
  /** dx[n, p, c] += dy[n, c] / hw. */
  globalAvgPoolBackprop(dy: Ptr, dx: Ptr, n: number, hw: number, c: number): void;

  /** Σ x² accumulated in f64. */
  sumSquares(x: Ptr, len: number): number;
  /** g = grad·gradScale + weightDecay·param; m = momentum·m + g; param −= learningRate·m. */
  sgdMomentum(param: Ptr, grad: Ptr, momentumBuf: Ptr, len: number, learningRate: number, momentum: number,
    weightDecay: number, gradScale: number): void;
}

/** The part of WebAssembly.Memory used here (the project compiles without the DOM lib). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

const KERNEL_NAMES = [
  'heapBase', 'conv2d', 'conv2dBackpropInput', 'conv2dBackpropFilter', 'depthwiseConv2d',
  'depthwiseBackpropInput', 'depthwiseBackpropFilter', 'conv2dRelu', 'conv2dBackpropInputRelu',
  'conv2dBackpropFilterRelu', 'depthwiseConv2dRelu', 'depthwiseBackpropInputRelu', 'depthwiseBackpropFilterRelu',
  'relu', 'reluBackprop', 'add', 'accumulate', 'scale', 'fill', 'copyRows', 'accumulateRows', 'addBias',
  'sumRows', 'batchNormStats', 'batchNormApply', 'batchNormBackprop', 'maxPool', 'maxPoolBackprop', 'avgPool',
  'avgPoolBackprop', 'globalAvgPool', 'globalAvgPoolBackprop', 'sumSquares', 'sgdMomentum',
] as const;

/** Where the build puts the module: under the package root, so bundles of dist find it too. */
export const KERNELS_WASM_PATH = join(PACKAGE_ROOT, 'dist', 'wasm', 'nes-kernels.wasm');

let cached: Kernels | undefined;

/** Instantiates nes-kernels.wasm once per thread (synchronously) and returns its kernels. */
export function loadKernels(): Kernels {
  if (cached) return cached;
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(KERNELS_WASM_PATH);
  } catch (err) {
    throw new Error(
      `nes: cannot read the training kernels ${KERNELS_WASM_PATH} (run \`npm run build\`): ${String(err)}`,
    );
  }
  const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  const module = new wasm.Module(bytes);
  const instance = new wasm.Instance(module, {
    env: {
      abort: () => {
        throw new Error('nes-kernels: abort');
      },
    },
  });
  const exports = instance.exports;
  for (const name of KERNEL_NAMES) {
    if (typeof exports[name] !== 'function') throw new Error(`nes-kernels.wasm lacks the export ${name}`);
  }
  if (!exports.memory) throw new Error('nes-kernels.wasm exports no memory');
  cached = exports as unknown as Kernels;
  return cached;
}

const PAGE = 65536;
const ALIGN = 16;
const live = new WeakSet<Kernels>();
/**
 * Per module instance: bytes above this offset have never been handed out by any arena, so they
 * are still zero. Below it, memory holds what earlier arenas left and is zeroed on allocation.
 */
const cleanFrom = new WeakMap<Kernels, number>();

/** Whether an Arena is live for these kernels (one network at a time per thread). */
export function arenaLive(kernels: Kernels): boolean {
  return live.has(kernels);
}

function alignUp(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

/**
 * Bump allocator over the module's memory above heapBase(). Allocations are 16-byte aligned and
 * zero-initialised; reset() frees all of them at once (memory is kept for reuse). One live Arena
 * per Kernels instance: dispose() releases it so another can be created.
 */
export class Arena {
  readonly kernels: Kernels;
  private readonly base: number;
  private top: number;
  private f32View: Float32Array;
  private i32View: Int32Array;
  private disposed = false;

  constructor(kernels: Kernels) {
    if (live.has(kernels)) {
      throw new Error('nes-kernels: an Arena is already live for these kernels (dispose() it or reset() it)');
    }
    live.add(kernels);
    this.kernels = kernels;
    this.base = alignUp(kernels.heapBase() >>> 0);
    this.top = this.base;
    if (!cleanFrom.has(kernels)) cleanFrom.set(kernels, this.base);
    const buffer = kernels.memory.buffer;
    this.f32View = new Float32Array(buffer);
    this.i32View = new Int32Array(buffer);
  }

  /** Bytes allocated since the last reset. */
  get bytes(): number {
    return this.top - this.base;
  }

  /** Size of the wasm memory in bytes. */
  get capacity(): number {
    return this.kernels.memory.buffer.byteLength;
  }

  /** Allocates `floats` f32s (zeroed); returns the byte offset. */
  alloc(floats: number): number {
    return this.allocBytes(floats * 4);
  }

  /** Allocates `count` i32s (zeroed); returns the byte offset. */
  allocInt32(count: number): number {
    return this.allocBytes(count * 4);
  }

  /** View of the whole memory as f32 (index = byteOffset / 4); refreshed after growth. */
  get f32(): Float32Array {
    const buffer = this.kernels.memory.buffer;
    if (this.f32View.buffer !== buffer) this.refresh(buffer);
    return this.f32View;
  }

  /** View of the whole memory as i32 (index = byteOffset / 4). */
  get i32(): Int32Array {
    const buffer = this.kernels.memory.buffer;
    if (this.i32View.buffer !== buffer) this.refresh(buffer);
    return this.i32View;
  }

  /** Copies `data` into a fresh allocation; returns its byte offset. */
  allocFrom(data: ArrayLike<number>): number {
    const ptr = this.alloc(data.length);
    this.f32.set(data, ptr >>> 2);
    return ptr;
  }

  /** Frees everything allocated by this arena (the memory stays with the module). */
  reset(): void {
    this.assertLive();
    this.top = this.base;
  }

  /** Resets and releases the arena so that another one can be created for the same kernels. */
  dispose(): void {
    if (this.disposed) return;
    this.top = this.base;
    this.disposed = true;
    live.delete(this.kernels);
  }

  private allocBytes(size: number): number {
    this.assertLive();
    if (!Number.isFinite(size) || size < 0) throw new RangeError(`nes-kernels: bad allocation size ${size}`);
    const ptr = this.top;
    const end = ptr + alignUp(size);
    const memory = this.kernels.memory;
    const have = memory.buffer.byteLength;
    if (end > have) {
      const needed = Math.ceil((end - have) / PAGE);
      // grow by at least 1/8 of the current size to keep the number of growths small
      const pages = Math.max(needed, Math.ceil(have / PAGE / 8));
      try {
        memory.grow(pages);
      } catch {
        memory.grow(needed);
      }
    }
    this.top = end;
    const clean = cleanFrom.get(this.kernels) ?? this.base;
    if (ptr < clean) this.f32.fill(0, ptr >>> 2, Math.min(end, clean) >>> 2);
    if (end > clean) cleanFrom.set(this.kernels, end);
    return ptr;
  }

  private refresh(buffer: ArrayBuffer): void {
    this.f32View = new Float32Array(buffer);
    this.i32View = new Int32Array(buffer);
  }

  private assertLive(): void {
    if (this.disposed) throw new Error('nes-kernels: this Arena was disposed');
  }
}
