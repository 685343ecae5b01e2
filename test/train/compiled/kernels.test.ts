// Tests of the AssemblyScript training kernels (dist/wasm/nes-kernels.wasm) against plain
// TypeScript references accumulated in float64.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { Arena, loadKernels } from '../../../src/train/compiled/kernels-module.js';

const K = loadKernels();
const arena = new Arena(K);

// ---------------------------------------------------------------------------------------------
// helpers

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let seedCounter = 1;
function randomArray(len: number, lo = -1, hi = 1): Float32Array {
  const r = rng(seedCounter++ * 7919);
  const out = new Float32Array(len);
  for (let i = 0; i < len; i++) out[i] = lo + (hi - lo) * r();
  return out;
}

function put(data: ArrayLike<number>): number {
  return arena.allocFrom(data);
}

function get(ptr: number, len: number): Float32Array {
  return arena.f32.slice(ptr >>> 2, (ptr >>> 2) + len);
}

function getInt(ptr: number, len: number): Int32Array {
  return arena.i32.slice(ptr >>> 2, (ptr >>> 2) + len);
}

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, atol = 1e-4, rtol = 1e-4): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
      assert.fail(`${what}: element ${i} is ${a}, expected ${e}`);
    }
  }
}

function plus(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] + b[i];
  return out;
}

function outSize(size: number, k: number, stride: number, dilation: number, padBefore: number, padAfter: number): number {
  return Math.floor((size + padBefore + padAfter - dilation * (k - 1) - 1) / stride) + 1;
}

interface ConvCase {
  n: number;
  h: number;
  w: number;
  cin: number;
  cout: number;
  k: number;
  stride: number;
  dilation: number;
  pad: number;
  /** padding after (bottom/right); defaults to pad */
  padAfter?: number;
}

interface Dims {
  n: number;
  h: number;
  w: number;
  cin: number;
  oh: number;
  ow: number;
  cout: number;
  kh: number;
  kw: number;
  stride: number;
  dilation: number;
  padTop: number;
  padLeft: number;
}

function dimsOf(c: ConvCase): Dims {
  const after = c.padAfter ?? c.pad;
  return {
    n: c.n, h: c.h, w: c.w, cin: c.cin, cout: c.cout, kh: c.k, kw: c.k, stride: c.stride, dilation: c.dilation,
    padTop: c.pad, padLeft: c.pad,
    oh: outSize(c.h, c.k, c.stride, c.dilation, c.pad, after),
    ow: outSize(c.w, c.k, c.stride, c.dilation, c.pad, after),
  };
}

function label(c: ConvCase): string {
  return `n${c.n} ${c.h}x${c.w} cin${c.cin} cout${c.cout} k${c.k} s${c.stride} d${c.dilation} p${c.pad}` +
    (c.padAfter !== undefined ? `/${c.padAfter}` : '');
}

/** Calls fn for every in-bounds (output pixel, tap) pair with flat pixel indices. */
function forEachTap(d: Dims, fn: (xPix: number, yPix: number, tap: number) => void): void {
  for (let b = 0; b < d.n; b++) {
    for (let oy = 0; oy < d.oh; oy++) {
      for (let ox = 0; ox < d.ow; ox++) {
        for (let ky = 0; ky < d.kh; ky++) {
          const iy = oy * d.stride - d.padTop + ky * d.dilation;
          if (iy < 0 || iy >= d.h) continue;
          for (let kx = 0; kx < d.kw; kx++) {
            const ix = ox * d.stride - d.padLeft + kx * d.dilation;
            if (ix < 0 || ix >= d.w) continue;
            fn((b * d.h + iy) * d.w + ix, (b * d.oh + oy) * d.ow + ox, ky * d.kw + kx);
          }
        }
      }
    }
  }
}

function refConv(d: Dims, x: Float32Array, f: Float32Array): Float64Array {
  const y = new Float64Array(d.n * d.oh * d.ow * d.cout);
  forEachTap(d, (xp, yp, t) => {
    for (let ci = 0; ci < d.cin; ci++) {
      const xv = x[xp * d.cin + ci];
      for (let co = 0; co < d.cout; co++) y[yp * d.cout + co] += xv * f[(t * d.cin + ci) * d.cout + co];
    }
  });
  return y;
}

function refConvBackpropInput(d: Dims, dy: Float32Array, f: Float32Array): Float64Array {
  const dx = new Float64Array(d.n * d.h * d.w * d.cin);
  forEachTap(d, (xp, yp, t) => {
    for (let ci = 0; ci < d.cin; ci++) {
      let s = 0;
      for (let co = 0; co < d.cout; co++) s += dy[yp * d.cout + co] * f[(t * d.cin + ci) * d.cout + co];
      dx[xp * d.cin + ci] += s;
    }
  });
  return dx;
}

function refConvBackpropFilter(d: Dims, x: Float32Array, dy: Float32Array): Float64Array {
  const df = new Float64Array(d.kh * d.kw * d.cin * d.cout);
  forEachTap(d, (xp, yp, t) => {
    for (let ci = 0; ci < d.cin; ci++) {
      const xv = x[xp * d.cin + ci];
      for (let co = 0; co < d.cout; co++) df[(t * d.cin + ci) * d.cout + co] += xv * dy[yp * d.cout + co];
    }
  });
  return df;
}

function refDepthwise(d: Dims, x: Float32Array, f: Float32Array): Float64Array {
  const c = d.cin;
  const y = new Float64Array(d.n * d.oh * d.ow * c);
  forEachTap(d, (xp, yp, t) => {
    for (let ch = 0; ch < c; ch++) y[yp * c + ch] += x[xp * c + ch] * f[t * c + ch];
  });
  return y;
}

function refDepthwiseBackpropInput(d: Dims, dy: Float32Array, f: Float32Array): Float64Array {
  const c = d.cin;
  const dx = new Float64Array(d.n * d.h * d.w * c);
  forEachTap(d, (xp, yp, t) => {
    for (let ch = 0; ch < c; ch++) dx[xp * c + ch] += dy[yp * c + ch] * f[t * c + ch];
  });
  return dx;
}

function refDepthwiseBackpropFilter(d: Dims, x: Float32Array, dy: Float32Array): Float64Array {
  const c = d.cin;
  const df = new Float64Array(d.kh * d.kw * c);
  forEachTap(d, (xp, yp, t) => {
    for (let ch = 0; ch < c; ch++) df[t * c + ch] += x[xp * c + ch] * dy[yp * c + ch];
  });
  return df;
}

/** Inputs for the relu-fused kernels: about half negative, and some exact zeros (masked out). */
function reluInput(len: number): Float32Array {
  const x = randomArray(len);
  for (let i = 0; i < len; i += 7) x[i] = 0;
  return x;
}

type ConvKernel = (a: number, b: number, out: number, n: number, h: number, w: number, cin: number, oh: number,
  ow: number, cout: number, kh: number, kw: number, stride: number, dilation: number, padTop: number,
  padLeft: number) => void;

function callConv(fn: ConvKernel, a: number, b: number, out: number, d: Dims): void {
  fn(a, b, out, d.n, d.h, d.w, d.cin, d.oh, d.ow, d.cout, d.kh, d.kw, d.stride, d.dilation, d.padTop, d.padLeft);
}

type DwKernel = (a: number, b: number, out: number, n: number, h: number, w: number, c: number, oh: number,
  ow: number, kh: number, kw: number, stride: number, dilation: number, padTop: number, padLeft: number) => void;

function callDw(fn: DwKernel, a: number, b: number, out: number, d: Dims): void {
  fn(a, b, out, d.n, d.h, d.w, d.cin, d.oh, d.ow, d.kh, d.kw, d.stride, d.dilation, d.padTop, d.padLeft);
}

type ConvMaskKernel = (dy: number, f: number, x: number, dx: number, n: number, h: number, w: number, cin: number,
  oh: number, ow: number, cout: number, kh: number, kw: number, stride: number, dilation: number, padTop: number,
  padLeft: number) => void;

function callConvMask(fn: ConvMaskKernel, dy: number, f: number, x: number, dx: number, d: Dims): void {
  fn(dy, f, x, dx, d.n, d.h, d.w, d.cin, d.oh, d.ow, d.cout, d.kh, d.kw, d.stride, d.dilation, d.padTop, d.padLeft);
}

type DwMaskKernel = (dy: number, f: number, x: number, dx: number, n: number, h: number, w: number, c: number,
  oh: number, ow: number, kh: number, kw: number, stride: number, dilation: number, padTop: number,
  padLeft: number) => void;

function callDwMask(fn: DwMaskKernel, dy: number, f: number, x: number, dx: number, d: Dims): void {
  fn(dy, f, x, dx, d.n, d.h, d.w, d.cin, d.oh, d.ow, d.kh, d.kw, d.stride, d.dilation, d.padTop, d.padLeft);
}

/**
 * Checks the relu-fused kernels against the plain ones composed with relu / reluBackprop:
 * forward(relu(x)), filter grad with relu(x), and dx0 + (x > 0)·(plain input gradient).
 */
function checkReluFused(d: Dims, dw: boolean): void {
  arena.reset();
  const xLen = d.n * d.h * d.w * d.cin;
  const yLen = d.n * d.oh * d.ow * d.cout;
  const fLen = d.kh * d.kw * d.cin * (dw ? 1 : d.cout);
  const x = reluInput(xLen);
  const f = randomArray(fLen);
  const dy = randomArray(yLen);
  const xp = put(x);
  const fp = put(f);
  const dyp = put(dy);
  const rp = arena.alloc(xLen);
  K.relu(xp, rp, xLen);
  const call = (conv: ConvKernel, depthwise: DwKernel, a: number, b: number, out: number): void => {
    if (dw) callDw(depthwise, a, b, out, d);
    else callConv(conv, a, b, out, d);
  };
  const name = dw ? 'depthwise' : 'conv2d';

  const yRef = arena.alloc(yLen);
  call(K.conv2d, K.depthwiseConv2d, rp, fp, yRef);
  const yp = put(randomArray(yLen, 5, 6)); // garbage: forward must overwrite
  call(K.conv2dRelu, K.depthwiseConv2dRelu, xp, fp, yp);
  close(get(yp, yLen), get(yRef, yLen), `${name} relu-fused y`, 1e-5, 1e-5);

  const df0 = randomArray(fLen);
  const dfRef = put(df0);
  call(K.conv2dBackpropFilter, K.depthwiseBackpropFilter, rp, dyp, dfRef);
  const dfp = put(df0);
  call(K.conv2dBackpropFilterRelu, K.depthwiseBackpropFilterRelu, xp, dyp, dfp);
  close(get(dfp, fLen), get(dfRef, fLen), `${name} relu-fused dfilter`, 1e-5, 1e-5);

  const dx0 = randomArray(xLen);
  const g = arena.alloc(xLen);
  call(K.conv2dBackpropInput, K.depthwiseBackpropInput, dyp, fp, g);
  const dxRef = put(dx0);
  K.reluBackprop(xp, g, dxRef, xLen);
  const dxp = put(dx0);
  if (dw) callDwMask(K.depthwiseBackpropInputRelu, dyp, fp, xp, dxp, d);
  else callConvMask(K.conv2dBackpropInputRelu, dyp, fp, xp, dxp, d);
  const got = get(dxp, xLen);
  close(got, get(dxRef, xLen), `${name} relu-fused dx`, 1e-5, 1e-5);
  for (let i = 0; i < xLen; i++) {
    if (!(x[i] > 0)) assert.equal(got[i], dx0[i], `${name} relu-fused dx: element ${i} (x <= 0) must be untouched`);
  }
}

// ---------------------------------------------------------------------------------------------
// conv2d

const convCases: ConvCase[] = [
  // 1x1 stride 1 (GEMM fast path); 2*5*5 = 50 pixels (not a multiple of 4)
  { n: 2, h: 5, w: 5, cin: 8, cout: 8, k: 1, stride: 1, dilation: 1, pad: 0 },
  { n: 2, h: 5, w: 5, cin: 8, cout: 16, k: 1, stride: 1, dilation: 1, pad: 0 },
  { n: 2, h: 5, w: 5, cin: 8, cout: 24, k: 1, stride: 1, dilation: 1, pad: 0 },
  { n: 2, h: 5, w: 5, cin: 24, cout: 8, k: 1, stride: 1, dilation: 1, pad: 0 },
  { n: 2, h: 5, w: 5, cin: 5, cout: 7, k: 1, stride: 1, dilation: 1, pad: 0 },
  { n: 3, h: 4, w: 4, cin: 1, cout: 3, k: 1, stride: 1, dilation: 1, pad: 0 },
  { n: 2, h: 12, w: 12, cin: 16, cout: 36, k: 1, stride: 1, dilation: 1, pad: 0 },
  // 1x1 stride 2
  { n: 2, h: 7, w: 7, cin: 8, cout: 16, k: 1, stride: 2, dilation: 1, pad: 0 },
  { n: 2, h: 8, w: 8, cin: 8, cout: 16, k: 1, stride: 2, dilation: 1, pad: 0 },
  { n: 2, h: 7, w: 7, cin: 5, cout: 7, k: 1, stride: 2, dilation: 1, pad: 0 },
  { n: 2, h: 8, w: 8, cin: 16, cout: 8, k: 1, stride: 2, dilation: 1, pad: 0 },
  // 3x3 stride 1 pad 1
  { n: 2, h: 7, w: 7, cin: 1, cout: 24, k: 3, stride: 1, dilation: 1, pad: 1 },
  { n: 2, h: 6, w: 6, cin: 16, cout: 16, k: 3, stride: 1, dilation: 1, pad: 1 },
  { n: 2, h: 9, w: 9, cin: 3, cout: 5, k: 3, stride: 1, dilation: 1, pad: 1 },
  // 3x3 stride 2
  { n: 2, h: 7, w: 7, cin: 8, cout: 16, k: 3, stride: 2, dilation: 1, pad: 1 },
  { n: 2, h: 9, w: 9, cin: 8, cout: 16, k: 3, stride: 2, dilation: 1, pad: 0 },
  { n: 2, h: 7, w: 7, cin: 3, cout: 7, k: 3, stride: 2, dilation: 1, pad: 1 },
  { n: 2, h: 8, w: 8, cin: 4, cout: 12, k: 3, stride: 2, dilation: 1, pad: 0, padAfter: 1 },
  // dilation and larger windows
  { n: 2, h: 8, w: 8, cin: 4, cout: 8, k: 3, stride: 1, dilation: 2, pad: 2 },
  { n: 2, h: 9, w: 9, cin: 6, cout: 10, k: 5, stride: 1, dilation: 1, pad: 2 },
  { n: 2, h: 12, w: 12, cin: 8, cout: 8, k: 3, stride: 1, dilation: 1, pad: 1 },
];

for (const c of convCases) {
  test(`conv2d forward and backprops ${label(c)}`, () => {
    arena.reset();
    const d = dimsOf(c);
    const xLen = d.n * d.h * d.w * d.cin;
    const yLen = d.n * d.oh * d.ow * d.cout;
    const fLen = d.kh * d.kw * d.cin * d.cout;
    const x = randomArray(xLen);
    const f = randomArray(fLen);
    const dy = randomArray(yLen);

    const xp = put(x);
    const fp = put(f);
    const yp = put(randomArray(yLen, 5, 6)); // garbage: forward must overwrite
    callConv(K.conv2d, xp, fp, yp, d);
    close(get(yp, yLen), refConv(d, x, f), `conv2d y`);

    const dyp = put(dy);
    const dx0 = randomArray(xLen);
    const dxp = put(dx0);
    callConv(K.conv2dBackpropInput, dyp, fp, dxp, d);
    close(get(dxp, xLen), plus(dx0, refConvBackpropInput(d, dy, f)), `conv2dBackpropInput dx`);

    const df0 = randomArray(fLen);
    const dfp = put(df0);
    callConv(K.conv2dBackpropFilter, xp, dyp, dfp, d);
    close(get(dfp, fLen), plus(df0, refConvBackpropFilter(d, x, dy)), `conv2dBackpropFilter dfilter`);
  });
}

// plus: 1x1 over several pixel chunks; images larger than the module's scratch area (64*64*72
// floats), which take the kernels reading max(x, 0) directly
const convReluCases: ConvCase[] = [
  ...convCases,
  { n: 2, h: 20, w: 20, cin: 40, cout: 8, k: 1, stride: 1, dilation: 1, pad: 0 },
  { n: 1, h: 64, w: 64, cin: 72, cout: 8, k: 1, stride: 1, dilation: 1, pad: 0 },
  { n: 1, h: 64, w: 64, cin: 72, cout: 4, k: 1, stride: 2, dilation: 1, pad: 0 },
  { n: 1, h: 64, w: 64, cin: 72, cout: 4, k: 3, stride: 1, dilation: 1, pad: 1 },
  { n: 1, h: 64, w: 64, cin: 72, cout: 4, k: 3, stride: 2, dilation: 1, pad: 1 },
];

for (const c of convReluCases) {
  test(`conv2d relu-fused kernels ${label(c)}`, () => checkReluFused(dimsOf(c), false));
}

test('conv2d: the references are transposes of each other (sanity of the test itself)', () => {
  const d = dimsOf({ n: 1, h: 5, w: 5, cin: 3, cout: 4, k: 3, stride: 2, dilation: 1, pad: 1 });
  const x = randomArray(d.n * d.h * d.w * d.cin);
  const f = randomArray(d.kh * d.kw * d.cin * d.cout);
  const dy = randomArray(d.n * d.oh * d.ow * d.cout);
  const y = refConv(d, x, f);
  const dx = refConvBackpropInput(d, dy, f);
  const df = refConvBackpropFilter(d, x, dy);
  let a = 0, b = 0, e = 0;
  for (let i = 0; i < y.length; i++) a += y[i] * dy[i];
  for (let i = 0; i < x.length; i++) b += x[i] * dx[i];
  for (let i = 0; i < f.length; i++) e += f[i] * df[i];
  assert.ok(Math.abs(a - b) < 1e-9 && Math.abs(a - e) < 1e-9, `${a} ${b} ${e}`);
});

// ---------------------------------------------------------------------------------------------
// depthwise

const dwCases: ConvCase[] = [];
for (const k of [3, 5]) {
  for (const stride of [1, 2]) {
    for (const dilation of [1, 2]) {
      for (const ch of [8, 16, 6]) {
        const pad = ((k - 1) * dilation) / 2;
        for (const size of stride === 1 ? [8] : [7, 8]) {
          dwCases.push({ n: 2, h: size, w: size, cin: ch, cout: ch, k, stride, dilation, pad });
        }
      }
    }
  }
}
// wider rows (several interior quads), tiny channel counts, TF-style asymmetric stride-2 'same'
dwCases.push({ n: 2, h: 6, w: 15, cin: 12, cout: 12, k: 3, stride: 1, dilation: 1, pad: 1 });
dwCases.push({ n: 3, h: 6, w: 6, cin: 1, cout: 1, k: 3, stride: 1, dilation: 1, pad: 1 });
dwCases.push({ n: 2, h: 6, w: 13, cin: 3, cout: 3, k: 3, stride: 2, dilation: 1, pad: 1 });
dwCases.push({ n: 2, h: 8, w: 8, cin: 8, cout: 8, k: 3, stride: 2, dilation: 1, pad: 0, padAfter: 1 });
dwCases.push({ n: 2, h: 8, w: 8, cin: 8, cout: 8, k: 5, stride: 2, dilation: 1, pad: 1, padAfter: 2 });
dwCases.push({ n: 2, h: 12, w: 12, cin: 20, cout: 20, k: 3, stride: 1, dilation: 1, pad: 1 });
// long rows: several sliding-window blocks, also for dilation 2 (blocks of 8 interleaved pixels)
for (const k of [3, 5]) {
  for (const dilation of [1, 2]) {
    for (const ch of [8, 6]) {
      dwCases.push({ n: 2, h: 5, w: 21, cin: ch, cout: ch, k, stride: 1, dilation, pad: ((k - 1) * dilation) / 2 });
    }
  }
  dwCases.push({ n: 2, h: 5, w: 21, cin: 8, cout: 8, k, stride: 2, dilation: 1, pad: (k - 1) / 2 });
}
// valid (unpadded) windows, and rows narrower than 4 outputs
dwCases.push({ n: 2, h: 9, w: 11, cin: 8, cout: 8, k: 3, stride: 1, dilation: 1, pad: 0 });
dwCases.push({ n: 2, h: 4, w: 3, cin: 4, cout: 4, k: 3, stride: 1, dilation: 1, pad: 1 });
// padded image larger than the module's scratch area (66*66*64 floats): the unpadded code path
dwCases.push({ n: 1, h: 64, w: 64, cin: 64, cout: 64, k: 3, stride: 1, dilation: 1, pad: 1 });

for (const c of dwCases) {
  test(`depthwise forward and backprops ${label(c)}`, () => {
    arena.reset();
    const d = dimsOf(c);
    const xLen = d.n * d.h * d.w * d.cin;
    const yLen = d.n * d.oh * d.ow * d.cin;
    const fLen = d.kh * d.kw * d.cin;
    const x = randomArray(xLen);
    const f = randomArray(fLen);
    const dy = randomArray(yLen);

    const xp = put(x);
    const fp = put(f);
    const yp = put(randomArray(yLen, 5, 6));
    callDw(K.depthwiseConv2d, xp, fp, yp, d);
    close(get(yp, yLen), refDepthwise(d, x, f), `depthwiseConv2d y`);

    const dyp = put(dy);
    const dx0 = randomArray(xLen);
    const dxp = put(dx0);
    callDw(K.depthwiseBackpropInput, dyp, fp, dxp, d);
    close(get(dxp, xLen), plus(dx0, refDepthwiseBackpropInput(d, dy, f)), `depthwiseBackpropInput dx`);

    const df0 = randomArray(fLen);
    const dfp = put(df0);
    callDw(K.depthwiseBackpropFilter, xp, dyp, dfp, d);
    close(get(dfp, fLen), plus(df0, refDepthwiseBackpropFilter(d, x, dy)), `depthwiseBackpropFilter dfilter`);
  });
}

for (const c of dwCases) {
  test(`depthwise relu-fused kernels ${label(c)}`, () => checkReluFused(dimsOf(c), true));
}

// ---------------------------------------------------------------------------------------------
// elementwise

test('relu, reluBackprop, add, accumulate, scale, fill', () => {
  arena.reset();
  for (const len of [1, 3, 4, 37, 64]) {
    const x = randomArray(len);
    const b = randomArray(len);
    const dy = randomArray(len);
    const d0 = randomArray(len);
    const xp = put(x);
    const bp = put(b);
    const dyp = put(dy);

    const yp = put(randomArray(len, 5, 6));
    K.relu(xp, yp, len);
    close(get(yp, len), Array.from(x, (v) => Math.max(v, 0)), `relu ${len}`, 0, 0);

    const dxp = put(d0);
    K.reluBackprop(xp, dyp, dxp, len);
    close(get(dxp, len), Array.from(x, (v, i) => d0[i] + (v > 0 ? dy[i] : 0)), `reluBackprop ${len}`, 1e-6, 1e-6);

    const sp = put(randomArray(len, 5, 6));
    K.add(xp, bp, sp, len);
    close(get(sp, len), Array.from(x, (v, i) => v + b[i]), `add ${len}`, 1e-6, 1e-6);

    const accp = put(d0);
    K.accumulate(xp, accp, len);
    close(get(accp, len), Array.from(x, (v, i) => v + d0[i]), `accumulate ${len}`, 1e-6, 1e-6);

    const scp = put(randomArray(len, 5, 6));
    K.scale(xp, scp, len, -2.5);
    close(get(scp, len), Array.from(x, (v) => v * -2.5), `scale ${len}`, 1e-6, 1e-6);

    K.fill(scp, len, 0.75);
    close(get(scp, len), new Array<number>(len).fill(0.75), `fill ${len}`, 0, 0);
  }
  // in place
  const x = randomArray(10);
  const xp = put(x);
  K.scale(xp, xp, 10, 2);
  close(get(xp, 10), Array.from(x, (v) => 2 * v), 'scale in place', 0, 0);
});

test('copyRows and accumulateRows (concat / split / crop style strides)', () => {
  arena.reset();
  for (const [rows, rowLength, srcStride, dstStride] of [[5, 3, 7, 9], [4, 8, 8, 24], [3, 13, 20, 13], [1, 5, 5, 5], [6, 1, 2, 3]]) {
    const src = randomArray(rows * srcStride);
    const dst = randomArray(rows * dstStride);
    const sp = put(src);
    const dp = put(dst);
    K.copyRows(sp, dp, rows, rowLength, srcStride, dstStride);
    const expCopy = Float64Array.from(dst);
    for (let r = 0; r < rows; r++) for (let i = 0; i < rowLength; i++) expCopy[r * dstStride + i] = src[r * srcStride + i];
    close(get(dp, rows * dstStride), expCopy, `copyRows ${rows}x${rowLength}`, 0, 0);

    const ap = put(dst);
    K.accumulateRows(sp, ap, rows, rowLength, srcStride, dstStride);
    const expAcc = Float64Array.from(dst);
    for (let r = 0; r < rows; r++) for (let i = 0; i < rowLength; i++) expAcc[r * dstStride + i] += src[r * srcStride + i];
    close(get(ap, rows * dstStride), expAcc, `accumulateRows ${rows}x${rowLength}`, 1e-6, 1e-6);
  }
});

test('addBias and sumRows', () => {
  arena.reset();
  for (const [rows, c] of [[50, 8], [7, 6], [33, 20], [5, 3], [300, 17], [2, 64]]) {
    const y = randomArray(rows * c);
    const bias = randomArray(c);
    const yp = put(y);
    const bp = put(bias);
    K.addBias(yp, bp, rows, c);
    close(get(yp, rows * c), Array.from(y, (v, i) => v + bias[i % c]), `addBias ${rows}x${c}`, 1e-6, 1e-6);

    const x = randomArray(rows * c);
    const out0 = randomArray(c);
    const op = put(out0);
    K.sumRows(put(x), rows, c, op);
    const exp = Float64Array.from(out0);
    for (let r = 0; r < rows; r++) for (let ch = 0; ch < c; ch++) exp[ch] += x[r * c + ch];
    close(get(op, c), exp, `sumRows ${rows}x${c}`);
  }
});

// ---------------------------------------------------------------------------------------------
// batch norm

function refStats(x: Float32Array, rows: number, c: number): { mean: Float64Array; variance: Float64Array } {
  const mean = new Float64Array(c);
  const variance = new Float64Array(c);
  for (let r = 0; r < rows; r++) for (let ch = 0; ch < c; ch++) mean[ch] += x[r * c + ch];
  for (let ch = 0; ch < c; ch++) mean[ch] /= rows;
  for (let r = 0; r < rows; r++) {
    for (let ch = 0; ch < c; ch++) {
      const dlt = x[r * c + ch] - mean[ch];
      variance[ch] += dlt * dlt;
    }
  }
  for (let ch = 0; ch < c; ch++) variance[ch] /= rows;
  return { mean, variance };
}

test('batchNormStats and batchNormApply', () => {
  arena.reset();
  for (const [rows, c] of [[50, 8], [98, 6], [18, 16], [75, 20], [9, 3], [147, 36]]) {
    const x = randomArray(rows * c, -2, 3);
    const xp = put(x);
    const mp = arena.alloc(c);
    const vp = arena.alloc(c);
    K.batchNormStats(xp, rows, c, mp, vp);
    const ref = refStats(x, rows, c);
    close(get(mp, c), ref.mean, `mean ${rows}x${c}`, 1e-5, 1e-5);
    close(get(vp, c), ref.variance, `variance ${rows}x${c}`, 1e-5, 1e-5);

    const sc = randomArray(c);
    const sh = randomArray(c);
    const yp = put(randomArray(rows * c, 5, 6));
    K.batchNormApply(xp, yp, rows, c, put(sc), put(sh));
    close(get(yp, rows * c), Array.from(x, (v, i) => v * sc[i % c] + sh[i % c]), `batchNormApply ${rows}x${c}`, 1e-5, 1e-5);
  }
});

test('batchNormStats is numerically careful (64x28x28 rows, large offset)', () => {
  arena.reset();
  const rows = 64 * 28 * 28;
  const c = 8;
  const x = new Float32Array(rows * c);
  const r = rng(12345);
  for (let i = 0; i < x.length; i++) x[i] = 100 + (i % c) + (r() - 0.5) * 2 * (1 + (i % c));
  const mp = arena.alloc(c);
  const vp = arena.alloc(c);
  K.batchNormStats(put(x), rows, c, mp, vp);
  const ref = refStats(x, rows, c);
  close(get(mp, c), ref.mean, 'mean', 0, 2e-6);
  close(get(vp, c), ref.variance, 'variance', 0, 1e-4);
});

function refBnBackprop(x: Float32Array, dy: Float32Array, rows: number, c: number, mean: Float32Array,
  invStd: Float32Array, gamma: Float32Array): { dx: Float64Array; dgamma: Float64Array; dbeta: Float64Array } {
  const sdy = new Float64Array(c);
  const sdyx = new Float64Array(c);
  for (let r = 0; r < rows; r++) {
    for (let ch = 0; ch < c; ch++) {
      const g = dy[r * c + ch];
      sdy[ch] += g;
      sdyx[ch] += g * (x[r * c + ch] - mean[ch]) * invStd[ch];
    }
  }
  const dx = new Float64Array(rows * c);
  for (let r = 0; r < rows; r++) {
    for (let ch = 0; ch < c; ch++) {
      const xh = (x[r * c + ch] - mean[ch]) * invStd[ch];
      dx[r * c + ch] = gamma[ch] * invStd[ch] * (dy[r * c + ch] - sdy[ch] / rows - (xh * sdyx[ch]) / rows);
    }
  }
  return { dx, dgamma: sdyx, dbeta: sdy };
}

test('batchNormBackprop vs reference', () => {
  for (const [rows, c] of [[50, 8], [98, 6], [18, 16], [75, 20], [9, 3], [600, 36]]) {
    arena.reset();
    const x = randomArray(rows * c, -2, 3);
    const dy = randomArray(rows * c);
    const gamma = randomArray(c, 0.5, 1.5);
    const xp = put(x);
    const mp = arena.alloc(c);
    const vp = arena.alloc(c);
    K.batchNormStats(xp, rows, c, mp, vp);
    const mean = get(mp, c);
    const invStd = Float32Array.from(get(vp, c), (v) => 1 / Math.sqrt(v + 1e-3));
    const dx0 = randomArray(rows * c);
    const dg0 = randomArray(c);
    const db0 = randomArray(c);
    const dxp = put(dx0);
    const dgp = put(dg0);
    const dbp = put(db0);
    K.batchNormBackprop(xp, put(dy), dxp, rows, c, mp, put(invStd), put(gamma), dgp, dbp);
    const ref = refBnBackprop(x, dy, rows, c, mean, invStd, gamma);
    close(get(dxp, rows * c), plus(dx0, ref.dx), `dx ${rows}x${c}`);
    close(get(dgp, c), plus(dg0, ref.dgamma), `dgamma ${rows}x${c}`);
    close(get(dbp, c), plus(db0, ref.dbeta), `dbeta ${rows}x${c}`);
  }
});

test('batchNormBackprop matches a finite difference of sum(dy * y)', () => {
  arena.reset();
  const rows = 6;
  const c = 3;
  const eps = 1e-3;
  const x = randomArray(rows * c, -2, 2);
  const dy = randomArray(rows * c);
  const gamma = randomArray(c, 0.5, 1.5);
  const beta = randomArray(c);
  const loss = (xs: Float64Array, g: ArrayLike<number>, bt: ArrayLike<number>): number => {
    let total = 0;
    for (let ch = 0; ch < c; ch++) {
      let m = 0;
      for (let r = 0; r < rows; r++) m += xs[r * c + ch];
      m /= rows;
      let v = 0;
      for (let r = 0; r < rows; r++) v += (xs[r * c + ch] - m) ** 2;
      v /= rows;
      const is = 1 / Math.sqrt(v + eps);
      for (let r = 0; r < rows; r++) total += dy[r * c + ch] * (g[ch] * (xs[r * c + ch] - m) * is + bt[ch]);
    }
    return total;
  };
  const xp = put(x);
  const mp = arena.alloc(c);
  const vp = arena.alloc(c);
  K.batchNormStats(xp, rows, c, mp, vp);
  const invStd = Float32Array.from(get(vp, c), (v) => 1 / Math.sqrt(v + eps));
  const dxp = arena.alloc(rows * c);
  const dgp = arena.alloc(c);
  const dbp = arena.alloc(c);
  K.batchNormBackprop(xp, put(dy), dxp, rows, c, mp, put(invStd), put(gamma), dgp, dbp);
  const dx = get(dxp, rows * c);
  const dg = get(dgp, c);
  const db = get(dbp, c);
  const h = 1e-4;
  const x64 = Float64Array.from(x);
  const g64 = Float64Array.from(gamma);
  const b64 = Float64Array.from(beta);
  for (let i = 0; i < rows * c; i++) {
    const xs = Float64Array.from(x64);
    xs[i] += h;
    const up = loss(xs, g64, b64);
    xs[i] -= 2 * h;
    const down = loss(xs, g64, b64);
    close([dx[i]], [(up - down) / (2 * h)], `dx[${i}] finite difference`, 1e-3, 1e-3);
  }
  for (let ch = 0; ch < c; ch++) {
    const gu = Float64Array.from(g64);
    gu[ch] += h;
    const gd = Float64Array.from(g64);
    gd[ch] -= h;
    close([dg[ch]], [(loss(x64, gu, b64) - loss(x64, gd, b64)) / (2 * h)], `dgamma[${ch}] finite difference`, 1e-3, 1e-3);
    const bu = Float64Array.from(b64);
    bu[ch] += h;
    const bd = Float64Array.from(b64);
    bd[ch] -= h;
    close([db[ch]], [(loss(x64, g64, bu) - loss(x64, g64, bd)) / (2 * h)], `dbeta[${ch}] finite difference`, 1e-3, 1e-3);
  }
});

// ---------------------------------------------------------------------------------------------
// pooling

interface PoolCase {
  k: number;
  stride: number;
  pad: number;
}

const poolCases: PoolCase[] = [
  { k: 3, stride: 1, pad: 1 },
  { k: 3, stride: 2, pad: 0 },
  { k: 3, stride: 2, pad: 1 },
  { k: 2, stride: 2, pad: 0 },
  { k: 1, stride: 2, pad: 0 },
];

function poolDims(p: PoolCase, n: number, size: number, c: number): Dims {
  const o = outSize(size, p.k, p.stride, 1, p.pad, p.pad);
  return { n, h: size, w: size, cin: c, cout: c, oh: o, ow: o, kh: p.k, kw: p.k, stride: p.stride, dilation: 1, padTop: p.pad, padLeft: p.pad };
}

function refMaxPool(d: Dims, x: Float32Array): { y: Float64Array; argmax: Int32Array } {
  const c = d.cin;
  const len = d.n * d.oh * d.ow * c;
  const y = new Float64Array(len).fill(-Infinity);
  const argmax = new Int32Array(len).fill(-1);
  forEachTap(d, (xp, yp) => {
    for (let ch = 0; ch < c; ch++) {
      const v = x[xp * c + ch];
      if (v > y[yp * c + ch]) {
        y[yp * c + ch] = v;
        argmax[yp * c + ch] = xp * c + ch;
      }
    }
  });
  return { y, argmax };
}

function refAvgPool(d: Dims, x: Float32Array): Float64Array {
  const c = d.cin;
  const y = new Float64Array(d.n * d.oh * d.ow * c);
  const count = new Float64Array(d.n * d.oh * d.ow);
  forEachTap(d, (xp, yp) => {
    count[yp]++;
    for (let ch = 0; ch < c; ch++) y[yp * c + ch] += x[xp * c + ch];
  });
  for (let i = 0; i < y.length; i++) y[i] /= count[Math.floor(i / c)];
  return y;
}

function refAvgPoolBackprop(d: Dims, dy: Float32Array): Float64Array {
  const c = d.cin;
  const count = new Float64Array(d.n * d.oh * d.ow);
  forEachTap(d, (_xp, yp) => count[yp]++);
  const dx = new Float64Array(d.n * d.h * d.w * c);
  forEachTap(d, (xp, yp) => {
    for (let ch = 0; ch < c; ch++) dx[xp * c + ch] += dy[yp * c + ch] / count[yp];
  });
  return dx;
}

type PoolKernel = (a: number, b: number, n: number, h: number, w: number, c: number, oh: number, ow: number,
  kh: number, kw: number, stride: number, padTop: number, padLeft: number) => void;

function callPool(fn: PoolKernel, a: number, b: number, d: Dims): void {
  fn(a, b, d.n, d.h, d.w, d.cin, d.oh, d.ow, d.kh, d.kw, d.stride, d.padTop, d.padLeft);
}

for (const p of poolCases) {
  for (const size of [7, 8]) {
    for (const c of [8, 6]) {
      test(`maxPool / avgPool k${p.k} s${p.stride} p${p.pad} ${size}x${size} c${c}`, () => {
        arena.reset();
        const d = poolDims(p, 2, size, c);
        const xLen = d.n * d.h * d.w * c;
        const yLen = d.n * d.oh * d.ow * c;
        // values on a coarse grid (ties) and negative values (padding must never win)
        const r = rng(seedCounter++);
        const x = Float32Array.from({ length: xLen }, () => Math.floor(r() * 5) - 6);
        const xp = put(x);
        const yp = put(randomArray(yLen, 5, 6));
        const ap = arena.allocInt32(yLen);
        K.maxPool(xp, yp, ap, d.n, d.h, d.w, c, d.oh, d.ow, d.kh, d.kw, d.stride, d.padTop, d.padLeft);
        const ref = refMaxPool(d, x);
        close(get(yp, yLen), ref.y, 'maxPool y', 0, 0);
        assert.deepEqual(Array.from(getInt(ap, yLen)), Array.from(ref.argmax), 'maxPool argmax');

        const dy = randomArray(yLen);
        const dx0 = randomArray(xLen);
        const dxp = put(dx0);
        K.maxPoolBackprop(put(dy), ap, dxp, yLen);
        const expDx = Float64Array.from(dx0);
        for (let i = 0; i < yLen; i++) expDx[ref.argmax[i]] += dy[i];
        close(get(dxp, xLen), expDx, 'maxPoolBackprop dx', 1e-5, 1e-5);

        const xa = randomArray(xLen);
        const xap = put(xa);
        const yap = put(randomArray(yLen, 5, 6));
        callPool(K.avgPool, xap, yap, d);
        close(get(yap, yLen), refAvgPool(d, xa), 'avgPool y', 1e-5, 1e-5);

        const da0 = randomArray(xLen);
        const dap = put(da0);
        const dyp = put(dy);
        callPool(K.avgPoolBackprop, dyp, dap, d);
        const grad = get(dap, xLen);
        close(grad, plus(da0, refAvgPoolBackprop(d, dy)), 'avgPoolBackprop dx', 1e-5, 1e-5);

        // finite difference of L = sum(dy * avgPool(x)) (computed by the kernel itself)
        const lossAt = (xs: Float32Array): number => {
          const xsp = put(xs);
          const ysp = arena.alloc(yLen);
          callPool(K.avgPool, xsp, ysp, d);
          const ys = get(ysp, yLen);
          let total = 0;
          for (let i = 0; i < yLen; i++) total += dy[i] * ys[i];
          return total;
        };
        const hstep = 0.25;
        for (let i = 0; i < xLen; i += Math.max(1, Math.floor(xLen / 23))) {
          const up = Float32Array.from(xa);
          up[i] += hstep;
          const down = Float32Array.from(xa);
          down[i] -= hstep;
          const fd = (lossAt(up) - lossAt(down)) / (2 * hstep);
          close([grad[i] - da0[i]], [fd], `avgPool finite difference at ${i}`, 1e-4, 1e-3);
        }
      });
    }
  }
}

test('globalAvgPool and globalAvgPoolBackprop', () => {
  arena.reset();
  for (const [n, hw, c] of [[2, 49, 8], [3, 16, 6], [2, 9, 20], [1, 784, 3]]) {
    const x = randomArray(n * hw * c);
    const yp = put(randomArray(n * c, 5, 6));
    K.globalAvgPool(put(x), yp, n, hw, c);
    const exp = new Float64Array(n * c);
    for (let b = 0; b < n; b++) for (let p = 0; p < hw; p++) for (let ch = 0; ch < c; ch++) exp[b * c + ch] += x[(b * hw + p) * c + ch] / hw;
    close(get(yp, n * c), exp, `globalAvgPool ${n}x${hw}x${c}`, 1e-5, 1e-5);

    const dy = randomArray(n * c);
    const dx0 = randomArray(n * hw * c);
    const dxp = put(dx0);
    K.globalAvgPoolBackprop(put(dy), dxp, n, hw, c);
    const expDx = Float64Array.from(dx0, (v, i) => v + dy[Math.floor(i / (hw * c)) * c + (i % c)] / hw);
    close(get(dxp, n * hw * c), expDx, `globalAvgPoolBackprop ${n}x${hw}x${c}`, 1e-6, 1e-6);
  }
});

// ---------------------------------------------------------------------------------------------
// optimiser helpers

test('sumSquares', () => {
  arena.reset();
  for (const len of [0, 1, 7, 8, 1000, 1031, 5000]) {
    const x = randomArray(len, -3, 3);
    let exp = 0;
    for (const v of x) exp += v * v;
    const got = K.sumSquares(put(x), len);
    assert.ok(Math.abs(got - exp) <= 1e-5 * Math.max(1, exp), `sumSquares ${len}: ${got} vs ${exp}`);
  }
});

test('sgdMomentum', () => {
  arena.reset();
  for (const len of [1, 6, 37]) {
    const param = randomArray(len);
    const grad = randomArray(len);
    const mom = randomArray(len);
    const pp = put(param);
    const mp = put(mom);
    const lr = 0.05, mu = 0.9, wd = 3e-4, gs = 0.5;
    K.sgdMomentum(pp, put(grad), mp, len, lr, mu, wd, gs);
    const expM = Float64Array.from(mom, (m, i) => mu * m + grad[i] * gs + wd * param[i]);
    const expP = Float64Array.from(param, (p, i) => p - lr * expM[i]);
    close(get(mp, len), expM, `sgd momentum ${len}`, 1e-6, 1e-6);
    close(get(pp, len), expP, `sgd param ${len}`, 1e-6, 1e-6);
  }
});

// ---------------------------------------------------------------------------------------------
// arena

test('Arena: alignment, zeroing after reset, growth, single live arena', () => {
  arena.reset();
  assert.equal(arena.bytes, 0);
  const a = arena.alloc(3);
  const b = arena.alloc(5);
  assert.equal(a % 16, 0);
  assert.equal(b % 16, 0);
  assert.ok(b >= a + 12);
  assert.ok(a >= K.heapBase());
  arena.f32.fill(7, a >>> 2, (a >>> 2) + 3);
  arena.reset();
  const c = arena.alloc(3);
  assert.equal(c, a);
  assert.deepEqual(Array.from(get(c, 3)), [0, 0, 0]);
  const before = arena.f32.buffer.byteLength;
  const big = arena.alloc(before / 4 + 1000); // forces memory.grow
  assert.ok(arena.f32.buffer.byteLength > before);
  assert.equal(arena.f32[(big >>> 2) + before / 4 + 999], 0);
  const ip = arena.allocInt32(4);
  arena.i32[ip >>> 2] = -5;
  assert.equal(getInt(ip, 1)[0], -5);
  assert.throws(() => new Arena(K));
  arena.reset();
});
