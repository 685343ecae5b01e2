// nes CPU training kernels (AssemblyScript, compiled to one wasm module with SIMD).
//
// Conventions: every pointer is a byte offset into this module's memory; tensors are f32, NHWC
// row-major; conv filters are [kh, kw, cin, cout], depthwise filters [kh, kw, c]. Convolutions read
// out-of-bounds input pixels as 0. Forward kernels overwrite their outputs; every backward kernel
// accumulates (+=) into its gradient outputs.
//
// Input row of an output row oy and tap ky: oy*stride - padTop + ky*dilation (columns alike).
//
// The module keeps a few static scratch areas below __heap_base (tap tables, a transposed filter
// chunk, per-channel partial sums); everything above __heap_base belongs to the host's arena.
// Kernels are not re-entrant (one instance per thread).

// ---------------------------------------------------------------------------------------------
// Static scratch

const SCR_FLOATS: i32 = 262144; // transposed filter chunk for conv2dBackpropInput (1 MiB)
const SCR: usize = memory.data(1048576, 16);
const MAX_K: i32 = 1024; // kh, kw at most
const KYS: usize = memory.data(4096, 16);
const OYS: usize = memory.data(4096, 16);
const KXS: usize = memory.data(4096, 16);
const OFFS: usize = memory.data(4096, 16);
const CT: usize = memory.data(256, 16); // f64 totals, 16 channels x 2 sums
const ROWS_BLOCK: i32 = 128; // rows summed in f32 before adding into the f64 totals

export function heapBase(): usize {
  return __heap_base;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

@inline function floorDiv(a: i32, b: i32): i32 {
  let q = a / b;
  if (a % b != 0 && (a < 0) != (b < 0)) q--;
  return q;
}

@inline function ceilDiv(a: i32, b: i32): i32 {
  return -floorDiv(-a, b);
}

@inline function imin(a: i32, b: i32): i32 {
  return a < b ? a : b;
}

@inline function imax(a: i32, b: i32): i32 {
  return a > b ? a : b;
}

/** Lowest k in [0, K) with 0 <= base + k*d. */
@inline function kLow(base: i32, d: i32, K: i32): i32 {
  return base >= 0 ? 0 : imin(K, ceilDiv(-base, d));
}

/** One past the highest k in [0, K) with base + k*d <= size - 1 (never below lo). */
@inline function kHigh(base: i32, d: i32, K: i32, size: i32, lo: i32): i32 {
  const last = size - 1 - base;
  if (last < 0) return lo;
  return imax(lo, imin(K, floorDiv(last, d) + 1));
}

@inline function bytes(i: i32): usize {
  return <usize>i << 2;
}

@inline function getI(table: usize, i: i32): i32 {
  return load<i32>(table + (<usize>i << 2));
}

@inline function setI(table: usize, i: i32, v: i32): void {
  store<i32>(table + (<usize>i << 2), v);
}

@inline function madd(acc: v128, a: v128, b: v128): v128 {
  return f32x4.add(acc, f32x4.mul(a, b));
}

// ---------------------------------------------------------------------------------------------
// Kernel variants, chosen at compile time by a marker type parameter V (the branches on it fold
// away, so the Plain instances are the kernels as written):
//   Plain:   as is.
//   ReluIn:  the A operand (the conv input x) is read as max(a, 0).
//   MaskOut: accumulating outputs only add where x > 0, x being the tensor laid out like the
//            output at out + gMaskOff (the backprop-input of a conv applied to relu(x)).

type Plain = i8;
type ReluIn = i16;
type MaskOut = i32;

/** Byte offset from dx to x for MaskOut kernels (set by the exported kernel). */
let gMaskOff: usize = 0;

@inline function isRelu<V>(): bool {
  return sizeof<V>() == 2;
}

@inline function isMask<V>(): bool {
  return sizeof<V>() == 4;
}

// ReLU as pmax (v < 0 ? 0 : v): one instruction on x64, where f32x4.max (NaN and -0 semantics)
// lowers to a sequence of about seven.

/** An A-operand vector as the variant reads it. */
@inline function rv<V>(v: v128): v128 {
  if (isRelu<V>()) return f32x4.pmax(v, f32x4.splat(0));
  return v;
}

/** An A-operand scalar as the variant reads it. */
@inline function rs<V>(v: f32): f32 {
  if (isRelu<V>()) return v < 0 ? 0 : v;
  return v;
}

/** dst[i] = relu(src[i]), i < len (for padImage<ReluIn>). */
function reluCopy(src: usize, dst: usize, len: i32): void {
  const zero = f32x4.splat(0);
  let i: i32 = 0;
  for (; i + 8 <= len; i += 8) {
    const o = bytes(i);
    v128.store(dst + o, f32x4.pmax(v128.load(src + o), zero));
    v128.store(dst + o, f32x4.pmax(v128.load(src + o, 16), zero), 16);
  }
  for (; i < len; i++) {
    const o = bytes(i);
    const v = load<f32>(src + o);
    store<f32>(dst + o, v < 0 ? 0 : v);
  }
}

/** MaskOut store: out += v where x (at p + mOff) > 0. */
@inline function maskAdd(p: usize, v: v128, mOff: usize): void {
  v128.store(p, f32x4.add(v128.load(p), v128.and(v, f32x4.gt(v128.load(p + mOff), f32x4.splat(0)))));
}

@inline function maskAddS(p: usize, v: f32, mOff: usize): void {
  if (load<f32>(p + mOff) > 0) store<f32>(p, load<f32>(p) + v);
}

// ---------------------------------------------------------------------------------------------
// Tap grids. A window's taps form a grid of gnky rows x gnkx columns; moving one tap column adds
// gaCol bytes to the A pointer and gbCol to the B pointer, one tap row gaRow / gbRow (these may be
// "negative", i.e. wrap around; the final addresses are always valid). Set with grid() before a
// kernel call; the kernels copy them into locals.

let gnky: i32 = 0;
let gnkx: i32 = 0;
let gaRow: usize = 0;
let gbRow: usize = 0;
let gaCol: usize = 0;
let gbCol: usize = 0;

@inline function grid(nky: i32, aRow: usize, bRow: usize, nkx: i32, aCol: usize, bCol: usize): void {
  gnky = nky;
  gaRow = aRow;
  gbRow = bRow;
  gnkx = nkx;
  gaCol = aCol;
  gbCol = bCol;
}

// ---------------------------------------------------------------------------------------------
// GEMM-like tap kernels (conv forward, conv backprop-input gather).
//
// out[0..N) (=|+=) sum over grid taps t, k < K of A_t[k] * B_t[k*N + n]: A_t floats are
// consecutive, B_t rows N floats apart. a, b: pointers of the first tap.

function gemmPixel<V>(out: usize, a: usize, b: usize, K: i32, N: i32, accum: bool): void {
  const mOff: usize = isMask<V>() ? gMaskOff : 0;
  const nky = gnky, nkx = gnkx, aRow = gaRow, bRow = gbRow, aCol = gaCol, bCol = gbCol;
  const rowB = bytes(N);
  let n: i32 = 0;
  for (; n + 16 <= N; n += 16) {
    const nOff = bytes(n);
    let c0 = f32x4.splat(0);
    let c1 = c0, c2 = c0, c3 = c0;
    let ra = a, rb = b + nOff;
    for (let ty: i32 = 0; ty < nky; ty++) {
      let ca = ra, cb = rb;
      for (let tx: i32 = 0; tx < nkx; tx++) {
        let pa = ca, pb = cb;
        for (let k: i32 = 0; k < K; k++) {
          const xv = rv<V>(v128.load32_splat(pa));
          c0 = madd(c0, xv, v128.load(pb));
          c1 = madd(c1, xv, v128.load(pb, 16));
          c2 = madd(c2, xv, v128.load(pb, 32));
          c3 = madd(c3, xv, v128.load(pb, 48));
          pa += 4;
          pb += rowB;
        }
        ca += aCol;
        cb += bCol;
      }
      ra += aRow;
      rb += bRow;
    }
    const po = out + nOff;
    if (isMask<V>()) {
      maskAdd(po, c0, mOff);
      maskAdd(po + 16, c1, mOff);
      maskAdd(po + 32, c2, mOff);
      maskAdd(po + 48, c3, mOff);
    } else {
      if (accum) {
        c0 = f32x4.add(c0, v128.load(po));
        c1 = f32x4.add(c1, v128.load(po, 16));
        c2 = f32x4.add(c2, v128.load(po, 32));
        c3 = f32x4.add(c3, v128.load(po, 48));
      }
      v128.store(po, c0);
      v128.store(po, c1, 16);
      v128.store(po, c2, 32);
      v128.store(po, c3, 48);
    }
  }
  for (; n + 8 <= N; n += 8) {
    const nOff = bytes(n);
    let c0 = f32x4.splat(0);
    let c1 = c0;
    let ra = a, rb = b + nOff;
    for (let ty: i32 = 0; ty < nky; ty++) {
      let ca = ra, cb = rb;
      for (let tx: i32 = 0; tx < nkx; tx++) {
        let pa = ca, pb = cb;
        for (let k: i32 = 0; k < K; k++) {
          const xv = rv<V>(v128.load32_splat(pa));
          c0 = madd(c0, xv, v128.load(pb));
          c1 = madd(c1, xv, v128.load(pb, 16));
          pa += 4;
          pb += rowB;
        }
        ca += aCol;
        cb += bCol;
      }
      ra += aRow;
      rb += bRow;
    }
    const po = out + nOff;
    if (isMask<V>()) {
      maskAdd(po, c0, mOff);
      maskAdd(po + 16, c1, mOff);
    } else {
      if (accum) {
        c0 = f32x4.add(c0, v128.load(po));
        c1 = f32x4.add(c1, v128.load(po, 16));
      }
      v128.store(po, c0);
      v128.store(po, c1, 16);
    }
  }
  for (; n + 4 <= N; n += 4) {
    const nOff = bytes(n);
    let c0 = f32x4.splat(0);
    let ra = a, rb = b + nOff;
    for (let ty: i32 = 0; ty < nky; ty++) {
      let ca = ra, cb = rb;
      for (let tx: i32 = 0; tx < nkx; tx++) {
        let pa = ca, pb = cb;
        for (let k: i32 = 0; k < K; k++) {
          c0 = madd(c0, rv<V>(v128.load32_splat(pa)), v128.load(pb));
          pa += 4;
          pb += rowB;
        }
        ca += aCol;
        cb += bCol;
      }
      ra += aRow;
      rb += bRow;
    }
    const po = out + nOff;
    if (isMask<V>()) {
      maskAdd(po, c0, mOff);
    } else {
      if (accum) c0 = f32x4.add(c0, v128.load(po));
      v128.store(po, c0);
    }
  }
  for (; n < N; n++) {
    const nOff = bytes(n);
    let s: f32 = 0;
    let ra = a, rb = b + nOff;
    for (let ty: i32 = 0; ty < nky; ty++) {
      let ca = ra, cb = rb;
      for (let tx: i32 = 0; tx < nkx; tx++) {
        let pa = ca, pb = cb;
        for (let k: i32 = 0; k < K; k++) {
          s += rs<V>(load<f32>(pa)) * load<f32>(pb);
          pa += 4;
          pb += rowB;
        }
        ca += aCol;
        cb += bCol;
      }
      ra += aRow;
      rb += bRow;
    }
    const po = out + nOff;
    if (isMask<V>()) {
      maskAddS(po, s, mOff);
    } else {
      if (accum) s += load<f32>(po);
      store<f32>(po, s);
    }
  }
}

/** Four pixels sharing one tap grid: pixel j reads A at a + j*aStep, writes out + j*outStep. */
function gemmQuad<V>(out: usize, outStep: usize, a: usize, aStep: usize, b: usize, K: i32, N: i32, accum: bool): void {
  const mOff: usize = isMask<V>() ? gMaskOff : 0;
  const nky = gnky, nkx = gnkx, aRow = gaRow, bRow = gbRow, aCol = gaCol, bCol = gbCol;
  const rowB = bytes(N);
  const aStep2 = aStep + aStep;
  const aStep3 = aStep2 + aStep;
  const o1 = out + outStep;
  const o2 = o1 + outStep;
  const o3 = o2 + outStep;
  let n: i32 = 0;
  for (; n + 8 <= N; n += 8) {
    const nOff = bytes(n);
    let c00 = f32x4.splat(0);
    let c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
    let ra = a, rb = b + nOff;
    for (let ty: i32 = 0; ty < nky; ty++) {
      let ca = ra, cb = rb;
      for (let tx: i32 = 0; tx < nkx; tx++) {
        let pa = ca, pb = cb;
        for (let k: i32 = 0; k < K; k++) {
          const b0 = v128.load(pb);
          const b1 = v128.load(pb, 16);
          let xv = rv<V>(v128.load32_splat(pa));
          c00 = madd(c00, xv, b0);
          c01 = madd(c01, xv, b1);
          xv = rv<V>(v128.load32_splat(pa + aStep));
          c10 = madd(c10, xv, b0);
          c11 = madd(c11, xv, b1);
          xv = rv<V>(v128.load32_splat(pa + aStep2));
          c20 = madd(c20, xv, b0);
          c21 = madd(c21, xv, b1);
          xv = rv<V>(v128.load32_splat(pa + aStep3));
          c30 = madd(c30, xv, b0);
          c31 = madd(c31, xv, b1);
          pa += 4;
          pb += rowB;
        }
        ca += aCol;
        cb += bCol;
      }
      ra += aRow;
      rb += bRow;
    }
    const p0 = out + nOff, p1 = o1 + nOff, p2 = o2 + nOff, p3 = o3 + nOff;
    if (isMask<V>()) {
      maskAdd(p0, c00, mOff);
      maskAdd(p0 + 16, c01, mOff);
      maskAdd(p1, c10, mOff);
      maskAdd(p1 + 16, c11, mOff);
      maskAdd(p2, c20, mOff);
      maskAdd(p2 + 16, c21, mOff);
      maskAdd(p3, c30, mOff);
      maskAdd(p3 + 16, c31, mOff);
    } else {
      if (accum) {
        c00 = f32x4.add(c00, v128.load(p0));
        c01 = f32x4.add(c01, v128.load(p0, 16));
        c10 = f32x4.add(c10, v128.load(p1));
        c11 = f32x4.add(c11, v128.load(p1, 16));
        c20 = f32x4.add(c20, v128.load(p2));
        c21 = f32x4.add(c21, v128.load(p2, 16));
        c30 = f32x4.add(c30, v128.load(p3));
        c31 = f32x4.add(c31, v128.load(p3, 16));
      }
      v128.store(p0, c00);
      v128.store(p0, c01, 16);
      v128.store(p1, c10);
      v128.store(p1, c11, 16);
      v128.store(p2, c20);
      v128.store(p2, c21, 16);
      v128.store(p3, c30);
      v128.store(p3, c31, 16);
    }
  }
  for (; n + 4 <= N; n += 4) {
    const nOff = bytes(n);
    let c0 = f32x4.splat(0);
    let c1 = c0, c2 = c0, c3 = c0;
    let ra = a, rb = b + nOff;
    for (let ty: i32 = 0; ty < nky; ty++) {
      let ca = ra, cb = rb;
      for (let tx: i32 = 0; tx < nkx; tx++) {
        let pa = ca, pb = cb;
        for (let k: i32 = 0; k < K; k++) {
          const b0 = v128.load(pb);
          c0 = madd(c0, rv<V>(v128.load32_splat(pa)), b0);
          c1 = madd(c1, rv<V>(v128.load32_splat(pa + aStep)), b0);
          c2 = madd(c2, rv<V>(v128.load32_splat(pa + aStep2)), b0);
          c3 = madd(c3, rv<V>(v128.load32_splat(pa + aStep3)), b0);
          pa += 4;
          pb += rowB;
        }
        ca += aCol;
        cb += bCol;
      }
      ra += aRow;
      rb += bRow;
    }
    const p0 = out + nOff, p1 = o1 + nOff, p2 = o2 + nOff, p3 = o3 + nOff;
    if (isMask<V>()) {
      maskAdd(p0, c0, mOff);
      maskAdd(p1, c1, mOff);
      maskAdd(p2, c2, mOff);
      maskAdd(p3, c3, mOff);
    } else {
      if (accum) {
        c0 = f32x4.add(c0, v128.load(p0));
        c1 = f32x4.add(c1, v128.load(p1));
        c2 = f32x4.add(c2, v128.load(p2));
        c3 = f32x4.add(c3, v128.load(p3));
      }
      v128.store(p0, c0);
      v128.store(p1, c1);
      v128.store(p2, c2);
      v128.store(p3, c3);
    }
  }
  for (; n < N; n++) {
    const nOff = bytes(n);
    let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
    let ra = a, rb = b + nOff;
    for (let ty: i32 = 0; ty < nky; ty++) {
      let ca = ra, cb = rb;
      for (let tx: i32 = 0; tx < nkx; tx++) {
        let pa = ca, pb = cb;
        for (let k: i32 = 0; k < K; k++) {
          const bv = load<f32>(pb);
          s0 += rs<V>(load<f32>(pa)) * bv;
          s1 += rs<V>(load<f32>(pa + aStep)) * bv;
          s2 += rs<V>(load<f32>(pa + aStep2)) * bv;
          s3 += rs<V>(load<f32>(pa + aStep3)) * bv;
          pa += 4;
          pb += rowB;
        }
        ca += aCol;
        cb += bCol;
      }
      ra += aRow;
      rb += bRow;
    }
    const p0 = out + nOff, p1 = o1 + nOff, p2 = o2 + nOff, p3 = o3 + nOff;
    if (isMask<V>()) {
      maskAddS(p0, s0, mOff);
      maskAddS(p1, s1, mOff);
      maskAddS(p2, s2, mOff);
      maskAddS(p3, s3, mOff);
    } else {
      if (accum) {
        s0 += load<f32>(p0);
        s1 += load<f32>(p1);
        s2 += load<f32>(p2);
        s3 += load<f32>(p3);
      }
      store<f32>(p0, s0);
      store<f32>(p1, s1);
      store<f32>(p2, s2);
      store<f32>(p3, s3);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Depthwise tap kernels: out[ch] (=|+=) sum over grid taps of A_t[ch] * B_t[ch], ch < C.

function dwPixel<V>(out: usize, a: usize, b: usize, C: i32, accum: bool): void {
  const mOff: usize = isMask<V>() ? gMaskOff : 0;
  const nky = gnky, nkx = gnkx, aRow = gaRow, bRow = gbRow, aCol = gaCol, bCol = gbCol;
  let ch: i32 = 0;
  for (; ch + 8 <= C; ch += 8) {
    const cOff = bytes(ch);
    let c0 = f32x4.splat(0);
    let c1 = c0, c2 = c0, c3 = c0;
    let ra = a + cOff, rb = b + cOff;
    for (let ty: i32 = 0; ty < nky; ty++) {
      let pa = ra, pb = rb;
      let tx: i32 = 0;
      for (; tx + 2 <= nkx; tx += 2) {
        c0 = madd(c0, rv<V>(v128.load(pa)), v128.load(pb));
        c1 = madd(c1, rv<V>(v128.load(pa, 16)), v128.load(pb, 16));
        const qa = pa + aCol, qb = pb + bCol;
        c2 = madd(c2, rv<V>(v128.load(qa)), v128.load(qb));
        c3 = madd(c3, rv<V>(v128.load(qa, 16)), v128.load(qb, 16));
        pa = qa + aCol;
        pb = qb + bCol;
      }
      if (tx < nkx) {
        c0 = madd(c0, rv<V>(v128.load(pa)), v128.load(pb));
        c1 = madd(c1, rv<V>(v128.load(pa, 16)), v128.load(pb, 16));
      }
      ra += aRow;
      rb += bRow;
    }
    c0 = f32x4.add(c0, c2);
    c1 = f32x4.add(c1, c3);
    const po = out + cOff;
    if (isMask<V>()) {
      maskAdd(po, c0, mOff);
      maskAdd(po + 16, c1, mOff);
    } else {
      if (accum) {
        c0 = f32x4.add(c0, v128.load(po));
        c1 = f32x4.add(c1, v128.load(po, 16));
      }
      v128.store(po, c0);
      v128.store(po, c1, 16);
    }
  }
  for (; ch + 4 <= C; ch += 4) {
    const cOff = bytes(ch);
    let c0 = f32x4.splat(0);
    let ra = a + cOff, rb = b + cOff;
    for (let ty: i32 = 0; ty < nky; ty++) {
      let pa = ra, pb = rb;
      for (let tx: i32 = 0; tx < nkx; tx++) {
        c0 = madd(c0, rv<V>(v128.load(pa)), v128.load(pb));
        pa += aCol;
        pb += bCol;
      }
      ra += aRow;
      rb += bRow;
    }
    const po = out + cOff;
    if (isMask<V>()) {
      maskAdd(po, c0, mOff);
    } else {
      if (accum) c0 = f32x4.add(c0, v128.load(po));
      v128.store(po, c0);
    }
  }
  for (; ch < C; ch++) {
    const cOff = bytes(ch);
    let s: f32 = 0;
    let ra = a + cOff, rb = b + cOff;
    for (let ty: i32 = 0; ty < nky; ty++) {
      let pa = ra, pb = rb;
      for (let tx: i32 = 0; tx < nkx; tx++) {
        s += rs<V>(load<f32>(pa)) * load<f32>(pb);
        pa += aCol;
        pb += bCol;
      }
      ra += aRow;
      rb += bRow;
    }
    const po = out + cOff;
    if (isMask<V>()) {
      maskAddS(po, s, mOff);
    } else {
      if (accum) s += load<f32>(po);
      store<f32>(po, s);
    }
  }
}

/** Four pixels sharing one tap grid, 4 channels at a time (more accumulators make V8 spill). */
function dwQuad<V>(out: usize, outStep: usize, a: usize, aStep: usize, b: usize, C: i32, accum: bool): void {
  const mOff: usize = isMask<V>() ? gMaskOff : 0;
  const nky = gnky, nkx = gnkx, aRow = gaRow, bRow = gbRow, aCol = gaCol, bCol = gbCol;
  const aStep2 = aStep + aStep;
  const aStep3 = aStep2 + aStep;
  const o1 = out + outStep;
  const o2 = o1 + outStep;
  const o3 = o2 + outStep;
  let ch: i32 = 0;
  for (; ch + 4 <= C; ch += 4) {
    const cOff = bytes(ch);
    let c0 = f32x4.splat(0);
    let c1 = c0, c2 = c0, c3 = c0;
    let ra = a + cOff, rb = b + cOff;
    for (let ty: i32 = 0; ty < nky; ty++) {
      let pa = ra, pb = rb;
      for (let tx: i32 = 0; tx < nkx; tx++) {
        const f0 = v128.load(pb);
        c0 = madd(c0, rv<V>(v128.load(pa)), f0);
        c1 = madd(c1, rv<V>(v128.load(pa + aStep)), f0);
        c2 = madd(c2, rv<V>(v128.load(pa + aStep2)), f0);
        c3 = madd(c3, rv<V>(v128.load(pa + aStep3)), f0);
        pa += aCol;
        pb += bCol;
      }
      ra += aRow;
      rb += bRow;
    }
    const p0 = out + cOff, p1 = o1 + cOff, p2 = o2 + cOff, p3 = o3 + cOff;
    if (isMask<V>()) {
      maskAdd(p0, c0, mOff);
      maskAdd(p1, c1, mOff);
      maskAdd(p2, c2, mOff);
      maskAdd(p3, c3, mOff);
    } else {
      if (accum) {
        c0 = f32x4.add(c0, v128.load(p0));
        c1 = f32x4.add(c1, v128.load(p1));
        c2 = f32x4.add(c2, v128.load(p2));
        c3 = f32x4.add(c3, v128.load(p3));
      }
      v128.store(p0, c0);
      v128.store(p1, c1);
      v128.store(p2, c2);
      v128.store(p3, c3);
    }
  }
  for (; ch < C; ch++) {
    const cOff = bytes(ch);
    let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
    let ra = a + cOff, rb = b + cOff;
    for (let ty: i32 = 0; ty < nky; ty++) {
      let pa = ra, pb = rb;
      for (let tx: i32 = 0; tx < nkx; tx++) {
        const fv = load<f32>(pb);
        s0 += rs<V>(load<f32>(pa)) * fv;
        s1 += rs<V>(load<f32>(pa + aStep)) * fv;
        s2 += rs<V>(load<f32>(pa + aStep2)) * fv;
        s3 += rs<V>(load<f32>(pa + aStep3)) * fv;
        pa += aCol;
        pb += bCol;
      }
      ra += aRow;
      rb += bRow;
    }
    const p0 = out + cOff, p1 = o1 + cOff, p2 = o2 + cOff, p3 = o3 + cOff;
    if (isMask<V>()) {
      maskAddS(p0, s0, mOff);
      maskAddS(p1, s1, mOff);
      maskAddS(p2, s2, mOff);
      maskAddS(p3, s3, mOff);
    } else {
      if (accum) {
        s0 += load<f32>(p0);
        s1 += load<f32>(p1);
        s2 += load<f32>(p2);
        s3 += load<f32>(p3);
      }
      store<f32>(p0, s0);
      store<f32>(p1, s1);
      store<f32>(p2, s2);
      store<f32>(p3, s3);
    }
  }
}

// Sliding-window depthwise kernels for 4 pixels whose spacing equals the tap column step
// (stride 1, pixels `dilation` apart): pixel i, tap column j reads A at a + (i + j)*aStep, so
// 4 + kw - 1 loads serve 4*kw products. Tap rows from the grid (gnkx must be 3 resp. 5).

function dwSlide3<V>(out: usize, outStep: usize, a: usize, aStep: usize, b: usize, C: i32, accum: bool): void {
  const mOff: usize = isMask<V>() ? gMaskOff : 0;
  const nky = gnky, aRow = gaRow, bRow = gbRow, bCol = gbCol;
  const o1 = out + outStep;
  const o2 = o1 + outStep;
  const o3 = o2 + outStep;
  const bCol2 = bCol + bCol;
  let ch: i32 = 0;
  for (; ch + 4 <= C; ch += 4) {
    const cOff = bytes(ch);
    let c0 = f32x4.splat(0);
    let c1 = c0, c2 = c0, c3 = c0;
    let pa = a + cOff, pb = b + cOff;
    for (let ty: i32 = 0; ty < nky; ty++) {
      const f0 = v128.load(pb);
      const f1 = v128.load(pb + bCol);
      const f2 = v128.load(pb + bCol2);
      let q = pa;
      const x0 = rv<V>(v128.load(q));
      q += aStep;
      const x1 = rv<V>(v128.load(q));
      q += aStep;
      const x2 = rv<V>(v128.load(q));
      q += aStep;
      const x3 = rv<V>(v128.load(q));
      q += aStep;
      const x4 = rv<V>(v128.load(q));
      q += aStep;
      const x5 = rv<V>(v128.load(q));
      c0 = f32x4.add(c0, f32x4.add(f32x4.add(f32x4.mul(x0, f0), f32x4.mul(x1, f1)), f32x4.mul(x2, f2)));
      c1 = f32x4.add(c1, f32x4.add(f32x4.add(f32x4.mul(x1, f0), f32x4.mul(x2, f1)), f32x4.mul(x3, f2)));
      c2 = f32x4.add(c2, f32x4.add(f32x4.add(f32x4.mul(x2, f0), f32x4.mul(x3, f1)), f32x4.mul(x4, f2)));
      c3 = f32x4.add(c3, f32x4.add(f32x4.add(f32x4.mul(x3, f0), f32x4.mul(x4, f1)), f32x4.mul(x5, f2)));
      pa += aRow;
      pb += bRow;
    }
    const p0 = out + cOff, p1 = o1 + cOff, p2 = o2 + cOff, p3 = o3 + cOff;
    if (isMask<V>()) {
      maskAdd(p0, c0, mOff);
      maskAdd(p1, c1, mOff);
      maskAdd(p2, c2, mOff);
      maskAdd(p3, c3, mOff);
    } else {
      if (accum) {
        c0 = f32x4.add(c0, v128.load(p0));
        c1 = f32x4.add(c1, v128.load(p1));
        c2 = f32x4.add(c2, v128.load(p2));
        c3 = f32x4.add(c3, v128.load(p3));
      }
      v128.store(p0, c0);
      v128.store(p1, c1);
      v128.store(p2, c2);
      v128.store(p3, c3);
    }
  }
  if (ch < C) {
    // channel tail: the generic kernel over the remaining channels (gaCol == aStep here)
    dwQuad<V>(out + bytes(ch), outStep, a + bytes(ch), aStep, b + bytes(ch), C - ch, accum);
  }
}

function dwSlide5<V>(out: usize, outStep: usize, a: usize, aStep: usize, b: usize, C: i32, accum: bool): void {
  const mOff: usize = isMask<V>() ? gMaskOff : 0;
  const nky = gnky, aRow = gaRow, bRow = gbRow, bCol = gbCol;
  const o1 = out + outStep;
  const o2 = o1 + outStep;
  const o3 = o2 + outStep;
  let ch: i32 = 0;
  for (; ch + 4 <= C; ch += 4) {
    const cOff = bytes(ch);
    let c0 = f32x4.splat(0);
    let c1 = c0, c2 = c0, c3 = c0;
    let pa = a + cOff, pb = b + cOff;
    for (let ty: i32 = 0; ty < nky; ty++) {
      let q = pa;
      let fb = pb;
      const x0 = rv<V>(v128.load(q));
      q += aStep;
      const x1 = rv<V>(v128.load(q));
      q += aStep;
      const x2 = rv<V>(v128.load(q));
      q += aStep;
      const x3 = rv<V>(v128.load(q));
      q += aStep;
      let f = v128.load(fb);
      fb += bCol;
      let s0 = f32x4.mul(x0, f);
      let s1 = f32x4.mul(x1, f);
      let s2 = f32x4.mul(x2, f);
      let s3 = f32x4.mul(x3, f);
      f = v128.load(fb);
      fb += bCol;
      const x4 = rv<V>(v128.load(q));
      q += aStep;
      s0 = madd(s0, x1, f);
      s1 = madd(s1, x2, f);
      s2 = madd(s2, x3, f);
      s3 = madd(s3, x4, f);
      f = v128.load(fb);
      fb += bCol;
      const x5 = rv<V>(v128.load(q));
      q += aStep;
      s0 = madd(s0, x2, f);
      s1 = madd(s1, x3, f);
      s2 = madd(s2, x4, f);
      s3 = madd(s3, x5, f);
      f = v128.load(fb);
      fb += bCol;
      const x6 = rv<V>(v128.load(q));
      q += aStep;
      s0 = madd(s0, x3, f);
      s1 = madd(s1, x4, f);
      s2 = madd(s2, x5, f);
      s3 = madd(s3, x6, f);
      f = v128.load(fb);
      const x7 = rv<V>(v128.load(q));
      s0 = madd(s0, x4, f);
      s1 = madd(s1, x5, f);
      s2 = madd(s2, x6, f);
      s3 = madd(s3, x7, f);
      c0 = f32x4.add(c0, s0);
      c1 = f32x4.add(c1, s1);
      c2 = f32x4.add(c2, s2);
      c3 = f32x4.add(c3, s3);
      pa += aRow;
      pb += bRow;
    }
    const p0 = out + cOff, p1 = o1 + cOff, p2 = o2 + cOff, p3 = o3 + cOff;
    if (isMask<V>()) {
      maskAdd(p0, c0, mOff);
      maskAdd(p1, c1, mOff);
      maskAdd(p2, c2, mOff);
      maskAdd(p3, c3, mOff);
    } else {
      if (accum) {
        c0 = f32x4.add(c0, v128.load(p0));
        c1 = f32x4.add(c1, v128.load(p1));
        c2 = f32x4.add(c2, v128.load(p2));
        c3 = f32x4.add(c3, v128.load(p3));
      }
      v128.store(p0, c0);
      v128.store(p1, c1);
      v128.store(p2, c2);
      v128.store(p3, c3);
    }
  }
  if (ch < C) {
    dwQuad<V>(out + bytes(ch), outStep, a + bytes(ch), aStep, b + bytes(ch), C - ch, accum);
  }
}

/**
 * Depthwise over `count` pixels of one row that all have the full tap grid (gnkx columns, column
 * step gaCol == spacing*aStep1 with |spacing| = dilation, stride 1): pixel p reads A at
 * a + p*aStep1 and writes out + p*outStep1. Uses the sliding kernels on groups of 4 pixels
 * `spacing` apart; returns the number of pixels done (a multiple of 4*spacing).
 */
function dwSlideRun<V>(out: usize, outStep1: usize, a: usize, aStep1: usize, b: usize, C: i32, count: i32, dilation: i32, reversed: bool, accum: bool): i32 {
  const nkx = gnkx;
  if (nkx != 3 && nkx != 5) return 0;
  const block = 4 * dilation;
  const blocks = count / block;
  if (blocks == 0) return 0;
  const aStep = <usize>dilation * aStep1;
  const outStep = <usize>dilation * outStep1;
  let a0 = a, b0 = b;
  const aCol = gaCol, bCol = gbCol;
  gaCol = aStep;
  if (reversed) {
    // tap columns run backwards in A: walk them from the last one
    a0 = a + <usize>(nkx - 1) * aCol;
    b0 = b + <usize>(nkx - 1) * bCol;
    gbCol = 0 - bCol;
  }
  for (let k: i32 = 0; k < blocks; k++) {
    const base = k * block;
    for (let i: i32 = 0; i < dilation; i++) {
      const p = base + i;
      const op = out + <usize>p * outStep1;
      const ap = a0 + <usize>p * aStep1;
      if (nkx == 3) dwSlide3<V>(op, outStep, ap, aStep, b0, C, accum);
      else dwSlide5<V>(op, outStep, ap, aStep, b0, C, accum);
    }
  }
  gaCol = aCol;
  gbCol = bCol;
  return blocks * block;
}

// ---------------------------------------------------------------------------------------------
// Depthwise on a zero-padded copy of one image: every output pixel then has the full tap grid.

/**
 * Copies image src[h, w, c] into SCR as a zero-padded [hp, wp, c] image whose pixel (r, q) is
 * src pixel (r - top, q - left). Returns false (nothing done) when it does not fit.
 */
function padImage<V>(src: usize, h: i32, w: i32, c: i32, hp: i32, wp: i32, top: i32, left: i32): bool {
  if (hp <= 0 || wp <= 0 || <i64>hp * <i64>wp * <i64>c > <i64>SCR_FLOATS) return false;
  const rowB = bytes(wp * c);
  const q0 = imax(0, left); // first padded column holding data
  const q1 = imin(wp, w + left); // one past the last
  for (let r: i32 = 0; r < hp; r++) {
    const dst = SCR + <usize>r * rowB;
    const iy = r - top;
    if (iy < 0 || iy >= h || q1 <= q0) {
      memory.fill(dst, 0, rowB);
      continue;
    }
    if (q0 > 0) memory.fill(dst, 0, bytes(q0 * c));
    if (isRelu<V>()) reluCopy(src + bytes((iy * w + q0 - left) * c), dst + bytes(q0 * c), (q1 - q0) * c);
    else memory.copy(dst + bytes(q0 * c), src + bytes((iy * w + q0 - left) * c), bytes((q1 - q0) * c));
    if (q1 < wp) memory.fill(dst + bytes(q1 * c), 0, bytes((wp - q1) * c));
  }
  return true;
}

/**
 * out[oy, ox, :] (=|+=) sum over ky < kh, kx < kw of SCR[oy*stride + ky*dilation,
 * ox*stride + kx*dilation, :] * B[ky, kx, :], B at b + ky*bRow + kx*bCol (steps may be negative).
 */
function dwPadded<V>(
  out: usize, oh: i32, ow: i32, wp: i32, c: i32,
  kh: i32, kw: i32, stride: i32, dilation: i32, b: usize, bRow: usize, bCol: usize, accum: bool,
): void {
  const cB = bytes(c);
  const pixStep = bytes(stride * c);
  for (let oy: i32 = 0; oy < oh; oy++) {
    const src = SCR + bytes(oy * stride * wp * c);
    const dst = out + bytes(oy * ow * c);
    grid(kh, bytes(dilation * wp * c), bRow, kw, bytes(dilation * c), bCol);
    let ox: i32 = 0;
    if (stride == 1) ox = dwSlideRun<V>(dst, cB, src, cB, b, c, ow, dilation, false, accum);
    for (; ox + 4 <= ow; ox += 4) dwQuad<V>(dst + <usize>ox * cB, cB, src + <usize>ox * pixStep, pixStep, b, c, accum);
    if (ox < ow) {
      if (!accum && ow >= 4) {
        // overlap the last quad (recomputes a few outputs)
        const o = ow - 4;
        dwQuad<V>(dst + <usize>o * cB, cB, src + <usize>o * pixStep, pixStep, b, c, false);
      } else {
        for (; ox < ow; ox++) dwPixel<V>(dst + <usize>ox * cB, src + <usize>ox * pixStep, b, c, accum);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Forward driver (conv2d and depthwiseConv2d).

@inline function isPointwise(h: i32, w: i32, oh: i32, ow: i32, kh: i32, kw: i32, stride: i32, padTop: i32, padLeft: i32): bool {
  return kh == 1 && kw == 1 && stride == 1 && padTop == 0 && padLeft == 0 && oh == h && ow == w;
}

function forward<V>(
  x: usize, filter: usize, y: usize,
  n: i32, h: i32, w: i32, cin: i32, oh: i32, ow: i32, cout: i32,
  kh: i32, kw: i32, stride: i32, dilation: i32, padTop: i32, padLeft: i32, dw: bool,
): void {
  const cinB = bytes(cin);
  const coutB = bytes(cout);
  const tapFloats = dw ? cin : cin * cout;
  if (isPointwise(h, w, oh, ow, kh, kw, stride, padTop, padLeft)) {
    grid(1, 0, 0, 1, 0, 0);
    const M = n * h * w;
    let p: i32 = 0;
    for (; p + 4 <= M; p += 4) {
      if (dw) dwQuad<V>(y + bytes(p * cout), coutB, x + bytes(p * cin), cinB, filter, cin, false);
      else gemmQuad<V>(y + bytes(p * cout), coutB, x + bytes(p * cin), cinB, filter, cin, cout, false);
    }
    for (; p < M; p++) {
      if (dw) dwPixel<V>(y + bytes(p * cout), x + bytes(p * cin), filter, cin, false);
      else gemmPixel<V>(y + bytes(p * cout), x + bytes(p * cin), filter, cin, cout, false);
    }
    return;
  }
  const aRow = bytes(dilation * w * cin);
  const aCol = bytes(dilation * cin);
  const bRow = bytes(kw * tapFloats);
  const bCol = bytes(tapFloats);
  // conv with dilation 1: the kx taps of a window row are one run of kw*cin consecutive x floats
  // and kw*cin consecutive filter rows, so they merge into the K loop
  const merge = !dw && dilation == 1;
  // interior columns: every kx tap in bounds
  const oxA = imin(ow, imax(0, ceilDiv(padLeft, stride)));
  const oxB = imax(oxA, imin(ow, floorDiv(w - 1 + padLeft - (kw - 1) * dilation, stride) + 1));
  const xStep = bytes(stride * cin);
  for (let b: i32 = 0; b < n; b++) {
    for (let oy: i32 = 0; oy < oh; oy++) {
      const iy0 = oy * stride - padTop;
      const kyLo = kLow(iy0, dilation, kh);
      const kyHi = kHigh(iy0, dilation, kh, h, kyLo);
      const nky = kyHi - kyLo;
      const yRow = y + bytes((b * oh + oy) * ow * cout);
      // x pointer of tap (kyLo, 0) for output column 0 (may wrap; only valid taps are read)
      const xRow = x + <usize>(((b * h + iy0 + kyLo * dilation) * w - padLeft) * cin * 4);
      const fRow = filter + <usize>kyLo * bRow;
      let ox: i32 = 0;
      while (ox < ow) {
        const xp = xRow + <usize>(ox * stride * cin * 4);
        const yp = yRow + bytes(ox * cout);
        if (ox >= oxA && ox < oxB) {
          if (merge) grid(nky, aRow, bRow, 1, 0, 0);
          else grid(nky, aRow, bRow, kw, aCol, bCol);
          if (dw && stride == 1) {
            const done = dwSlideRun<V>(yp, coutB, xp, xStep, fRow, cin, oxB - ox, dilation, false, false);
            if (done > 0) {
              ox += done;
              continue;
            }
          }
          const K = merge ? kw * cin : cin;
          if (ox + 4 <= oxB) {
            if (dw) dwQuad<V>(yp, coutB, xp, xStep, fRow, cin, false);
            else gemmQuad<V>(yp, coutB, xp, xStep, fRow, K, cout, false);
            ox += 4;
          } else {
            if (dw) dwPixel<V>(yp, xp, fRow, cin, false);
            else gemmPixel<V>(yp, xp, fRow, K, cout, false);
            ox++;
          }
        } else {
          const ix0 = ox * stride - padLeft;
          const kxLo = kLow(ix0, dilation, kw);
          const kxHi = kHigh(ix0, dilation, kw, w, kxLo);
          const nkx = kxHi - kxLo;
          const ap = xp + <usize>kxLo * aCol;
          const bp = fRow + <usize>kxLo * bCol;
          if (merge) grid(nkx > 0 ? nky : 0, aRow, bRow, 1, 0, 0);
          else grid(nky, aRow, bRow, nkx, aCol, bCol);
          if (dw) dwPixel<V>(yp, ap, bp, cin, false);
          else gemmPixel<V>(yp, ap, bp, merge ? nkx * cin : cin, cout, false);
          ox++;
        }
      }
    }
  }
}

export function conv2d(
  x: usize, filter: usize, y: usize,
  n: i32, h: i32, w: i32, cin: i32, oh: i32, ow: i32, cout: i32,
  kh: i32, kw: i32, stride: i32, dilation: i32, padTop: i32, padLeft: i32,
): void {
  forward<Plain>(x, filter, y, n, h, w, cin, oh, ow, cout, kh, kw, stride, dilation, padTop, padLeft, false);
}

/** depthwiseConv2d of x or, for ReluIn, of relu(x) (applied while padding: SCR holds relu(x)). */
function dwForward<V>(
  x: usize, filter: usize, y: usize,
  n: i32, h: i32, w: i32, c: i32, oh: i32, ow: i32,
  kh: i32, kw: i32, stride: i32, dilation: i32, padTop: i32, padLeft: i32,
): void {
  const hp = (oh - 1) * stride + (kh - 1) * dilation + 1;
  const wp = (ow - 1) * stride + (kw - 1) * dilation + 1;
  if (oh > 0 && ow > 0 && padImage<V>(x, h, w, c, hp, wp, padTop, padLeft)) {
    const imgB = bytes(h * w * c);
    const outB = bytes(oh * ow * c);
    for (let b: i32 = 0; b < n; b++) {
      if (b > 0) padImage<V>(x + <usize>b * imgB, h, w, c, hp, wp, padTop, padLeft);
      dwPadded<Plain>(y + <usize>b * outB, oh, ow, wp, c, kh, kw, stride, dilation, filter, bytes(kw * c), bytes(c), false);
    }
    return;
  }
  forward<V>(x, filter, y, n, h, w, c, oh, ow, c, kh, kw, stride, dilation, padTop, padLeft, true);
}

export function depthwiseConv2d(
  x: usize, filter: usize, y: usize,
  n: i32, h: i32, w: i32, c: i32, oh: i32, ow: i32,
  kh: i32, kw: i32, stride: i32, dilation: i32, padTop: i32, padLeft: i32,
): void {
  dwForward<Plain>(x, filter, y, n, h, w, c, oh, ow, kh, kw, stride, dilation, padTop, padLeft);
}

// ---------------------------------------------------------------------------------------------
// Backprop-input driver (gather): for every input pixel, sum the dy pixels whose windows use it.
//
// conv: A = dy (channel stride cout, chunk [c0, c0+K)), B = transposed filter chunk in SCR laid out
//       [tap, K, cin]; N = cin.  depthwise: A = dy, B = filter taps, C = cin channels.
// For an input row iy, the taps ky with (iy + padTop - ky*dilation) divisible by stride and the
// output row in range form an arithmetic progression; so do the kx taps of the input columns
// ix = r + q*stride (a residue r), whose output column is q + off(kx).

function gather<V>(
  dy: usize, bBase: usize, dx: usize,
  n: i32, h: i32, w: i32, cin: i32, oh: i32, ow: i32, cout: i32,
  kh: i32, kw: i32, stride: i32, dilation: i32, padTop: i32, padLeft: i32,
  dw: bool, c0: i32, K: i32,
): void {
  if (kh > MAX_K || kw > MAX_K) unreachable();
  const cinB = bytes(cin);
  const coutB = bytes(cout);
  const tapFloats = dw ? cin : K * cin;
  const dyCh = dy + bytes(c0);
  const outStep = bytes(stride * cin);
  for (let b: i32 = 0; b < n; b++) {
    const dyImg = dyCh + bytes(b * oh * ow * cout);
    for (let iy: i32 = 0; iy < h; iy++) {
      let nky: i32 = 0;
      for (let ky: i32 = 0; ky < kh; ky++) {
        const v = iy + padTop - ky * dilation;
        if (v % stride == 0) {
          const oy = v / stride;
          if (oy >= 0 && oy < oh) {
            setI(KYS, nky, ky);
            setI(OYS, nky, oy);
            nky++;
          }
        }
      }
      if (nky == 0) continue;
      const ky0 = getI(KYS, 0);
      const oy0 = getI(OYS, 0);
      const aRow = nky > 1 ? <usize>((getI(OYS, 1) - oy0) * ow * cout * 4) : 0;
      const bRow = nky > 1 ? <usize>((getI(KYS, 1) - ky0) * kw * tapFloats * 4) : 0;
      const dxRow = dx + bytes((b * h + iy) * w * cin);
      const rMax = imin(stride, w);
      for (let r: i32 = 0; r < rMax; r++) {
        let nkx: i32 = 0;
        for (let kx: i32 = 0; kx < kw; kx++) {
          const v = r + padLeft - kx * dilation;
          if (v % stride == 0) {
            setI(KXS, nkx, kx);
            setI(OFFS, nkx, v / stride);
            nkx++;
          }
        }
        if (nkx == 0) continue;
        const kx0 = getI(KXS, 0);
        const off0 = getI(OFFS, 0); // offsets decrease with the tap index
        const offLast = getI(OFFS, nkx - 1);
        const dOff = nkx > 1 ? getI(OFFS, 1) - off0 : 0;
        const aCol = <usize>(dOff * cout * 4);
        const bCol = nkx > 1 ? <usize>((getI(KXS, 1) - kx0) * tapFloats * 4) : 0;
        // pixels ix = r + q*stride, q < qCount
        const qCount = ceilDiv(w - r, stride);
        const qLo = imin(qCount, imax(0, -offLast));
        const qHi = imax(qLo, imin(qCount, ow - off0));
        const aFirst = <usize>((oy0 * ow + off0) * cout * 4);
        const bFirst = bBase + bytes((ky0 * kw + kx0) * tapFloats);
        let q: i32 = 0;
        while (q < qCount) {
          const op = dxRow + bytes((r + q * stride) * cin);
          const ap = dyImg + bytes(q * cout) + aFirst;
          if (q >= qLo && q < qHi) {
            grid(nky, aRow, bRow, nkx, aCol, bCol);
            if (dw && stride == 1) {
              const done = dwSlideRun<V>(op, outStep, ap, coutB, bFirst, cin, qHi - q, dilation, true, true);
              if (done > 0) {
                q += done;
                continue;
              }
            }
            if (q + 4 <= qHi) {
              if (dw) dwQuad<V>(op, outStep, ap, coutB, bFirst, cin, true);
              else gemmQuad<V>(op, outStep, ap, coutB, bFirst, K, cin, true);
              q += 4;
            } else {
              if (dw) dwPixel<V>(op, ap, bFirst, cin, true);
              else gemmPixel<V>(op, ap, bFirst, K, cin, true);
              q++;
            }
          } else {
            // taps j with 0 <= q + off0 + j*dOff < ow: a contiguous range
            let jLo: i32 = 0;
            while (jLo < nkx && q + getI(OFFS, jLo) >= ow) jLo++;
            let jHi = jLo;
            while (jHi < nkx && q + getI(OFFS, jHi) >= 0) jHi++;
            if (jHi > jLo) {
              grid(nky, aRow, bRow, jHi - jLo, aCol, bCol);
              const ap2 = ap + <usize>jLo * aCol;
              const bp2 = bFirst + <usize>jLo * bCol;
              if (dw) dwPixel<V>(op, ap2, bp2, cin, true);
              else gemmPixel<V>(op, ap2, bp2, K, cin, true);
            }
            q++;
          }
        }
      }
    }
  }
}

function convBackpropInput<V>(
  dy: usize, filter: usize, dx: usize,
  n: i32, h: i32, w: i32, cin: i32, oh: i32, ow: i32, cout: i32,
  kh: i32, kw: i32, stride: i32, dilation: i32, padTop: i32, padLeft: i32,
): void {
  const taps = kh * kw;
  if (taps * cin > SCR_FLOATS) unreachable();
  const chunk = imin(cout, SCR_FLOATS / (taps * cin));
  const pointwise = isPointwise(h, w, oh, ow, kh, kw, stride, padTop, padLeft);
  for (let c0: i32 = 0; c0 < cout; c0 += chunk) {
    const K = imin(chunk, cout - c0);
    // SCR[tap][co - c0][ci] = filter[tap][ci][co]
    for (let t: i32 = 0; t < taps; t++) {
      const src = filter + bytes(t * cin * cout + c0);
      const dst = SCR + bytes(t * K * cin);
      for (let ci: i32 = 0; ci < cin; ci++) {
        const s = src + bytes(ci * cout);
        for (let k: i32 = 0; k < K; k++) {
          store<f32>(dst + bytes(k * cin + ci), load<f32>(s + bytes(k)));
        }
      }
    }
    if (pointwise) {
      grid(1, 0, 0, 1, 0, 0);
      const M = n * h * w;
      const cinB = bytes(cin);
      const coutB = bytes(cout);
      const dyCh = dy + bytes(c0);
      let p: i32 = 0;
      for (; p + 4 <= M; p += 4) {
        gemmQuad<V>(dx + bytes(p * cin), cinB, dyCh + bytes(p * cout), coutB, SCR, K, cin, true);
      }
      for (; p < M; p++) {
        gemmPixel<V>(dx + bytes(p * cin), dyCh + bytes(p * cout), SCR, K, cin, true);
      }
    } else {
      gather<V>(dy, SCR, dx, n, h, w, cin, oh, ow, cout, kh, kw, stride, dilation, padTop, padLeft, false, c0, K);
    }
  }
}

export function conv2dBackpropInput(
  dy: usize, filter: usize, dx: usize,
  n: i32, h: i32, w: i32, cin: i32, oh: i32, ow: i32, cout: i32,
  kh: i32, kw: i32, stride: i32, dilation: i32, padTop: i32, padLeft: i32,
): void {
  convBackpropInput<Plain>(dy, filter, dx, n, h, w, cin, oh, ow, cout, kh, kw, stride, dilation, padTop, padLeft);
}

/**
 * depthwiseBackpropInput for stride > 1 on a padded copy of dy (in SCR) so that every input
 * pixel of a residue class (ix = r + q*stride) has the same tap grid. Returns false when the
 * padded dy does not fit.
 */
function dwGatherPadded<V>(
  dy: usize, filter: usize, dx: usize,
  n: i32, h: i32, w: i32, c: i32, oh: i32, ow: i32,
  kh: i32, kw: i32, stride: i32, dilation: i32, padTop: i32, padLeft: i32,
): bool {
  if (kh > MAX_K || kw > MAX_K) unreachable();
  const pt = imax(0, ceilDiv((kh - 1) * dilation - padTop, stride));
  const pl = imax(0, ceilDiv((kw - 1) * dilation - padLeft, stride));
  const hq = pt + imax(oh, floorDiv(h - 1 + padTop, stride) + 1);
  const wq = pl + imax(ow, floorDiv(w - 1 + padLeft, stride) + 1);
  if (<i64>hq * <i64>wq * <i64>c > <i64>SCR_FLOATS) return false;
  const cB = bytes(c);
  const outStep = bytes(stride * c);
  const qRowB = bytes(wq * c);
  for (let b: i32 = 0; b < n; b++) {
    padImage<Plain>(dy + bytes(b * oh * ow * c), oh, ow, c, hq, wq, pt, pl);
    for (let iy: i32 = 0; iy < h; iy++) {
      let nky: i32 = 0;
      for (let ky: i32 = 0; ky < kh; ky++) {
        if ((iy + padTop - ky * dilation) % stride == 0) {
          setI(KYS, nky, ky);
          nky++;
        }
      }
      if (nky == 0) continue;
      const ky0 = getI(KYS, 0);
      const oy0 = (iy + padTop - ky0 * dilation) / stride + pt;
      const tyStep = nky > 1 ? getI(KYS, 1) - ky0 : 0;
      const aRow = <usize>(-(tyStep * dilation / stride) * wq * c * 4);
      const bRow = bytes(tyStep * kw * c);
      const dxRow = dx + bytes((b * h + iy) * w * c);
      const rMax = imin(stride, w);
      for (let r: i32 = 0; r < rMax; r++) {
        let nkx: i32 = 0;
        for (let kx: i32 = 0; kx < kw; kx++) {
          if ((r + padLeft - kx * dilation) % stride == 0) {
            setI(KXS, nkx, kx);
            nkx++;
          }
        }
        if (nkx == 0) continue;
        const kx0 = getI(KXS, 0);
        const off0 = (r + padLeft - kx0 * dilation) / stride + pl;
        const txStep = nkx > 1 ? getI(KXS, 1) - kx0 : 0;
        const aCol = <usize>(-(txStep * dilation / stride) * c * 4);
        const bCol = bytes(txStep * c);
        grid(nky, aRow, bRow, nkx, aCol, bCol);
        const qCount = ceilDiv(w - r, stride);
        const a0 = SCR + <usize>oy0 * qRowB + bytes(off0 * c);
        const b0 = filter + bytes((ky0 * kw + kx0) * c);
        const o0 = dxRow + bytes(r * c);
        let q: i32 = 0;
        for (; q + 4 <= qCount; q += 4) dwQuad<V>(o0 + <usize>q * outStep, outStep, a0 + <usize>q * cB, cB, b0, c, true);
        for (; q < qCount; q++) dwPixel<V>(o0 + <usize>q * outStep, a0 + <usize>q * cB, b0, c, true);
      }
    }
  }
  return true;
}

function dwBackpropInput<V>(
  dy: usize, filter: usize, dx: usize,
  n: i32, h: i32, w: i32, c: i32, oh: i32, ow: i32,
  kh: i32, kw: i32, stride: i32, dilation: i32, padTop: i32, padLeft: i32,
): void {
  if (stride == 1 && oh > 0 && ow > 0) {
    // dx[iy, ix] += sum dy[iy + padTop - ky*d, ix + padLeft - kx*d] * f[ky, kx]: a correlation of
    // dy padded by (k-1)*d - pad before with the flipped filter
    const top = (kh - 1) * dilation - padTop;
    const left = (kw - 1) * dilation - padLeft;
    const hq = h + (kh - 1) * dilation;
    const wq = w + (kw - 1) * dilation;
    if (padImage<Plain>(dy, oh, ow, c, hq, wq, top, left)) {
      const imgB = bytes(oh * ow * c);
      const outB = bytes(h * w * c);
      const last = filter + bytes((kh * kw - 1) * c);
      for (let b: i32 = 0; b < n; b++) {
        if (b > 0) padImage<Plain>(dy + <usize>b * imgB, oh, ow, c, hq, wq, top, left);
        dwPadded<V>(dx + <usize>b * outB, h, w, wq, c, kh, kw, 1, dilation, last, 0 - bytes(kw * c), 0 - bytes(c), true);
      }
      return;
    }
  }
  if (stride > 1 && oh > 0 && ow > 0 &&
    dwGatherPadded<V>(dy, filter, dx, n, h, w, c, oh, ow, kh, kw, stride, dilation, padTop, padLeft)) return;
  gather<V>(dy, filter, dx, n, h, w, c, oh, ow, c, kh, kw, stride, dilation, padTop, padLeft, true, 0, c);
}

export function depthwiseBackpropInput(
  dy: usize, filter: usize, dx: usize,
  n: i32, h: i32, w: i32, c: i32, oh: i32, ow: i32,
  kh: i32, kw: i32, stride: i32, dilation: i32, padTop: i32, padLeft: i32,
): void {
  dwBackpropInput<Plain>(dy, filter, dx, n, h, w, c, oh, ow, kh, kw, stride, dilation, padTop, padLeft);
}

// ---------------------------------------------------------------------------------------------
// Filter gradients.

/** out[i*N + j] += sum_k a[k*aStep + 4i] * b[k*bStep + 4j] (steps in bytes), i < M, j < N. */
function gemmTN<V>(a: usize, aStep: usize, b: usize, bStep: usize, K: i32, M: i32, N: i32, out: usize): void {
  const rowO = bytes(N);
  let i: i32 = 0;
  for (; i + 4 <= M; i += 4) {
    const ai = a + bytes(i);
    const o0 = out + bytes(i * N);
    const o1 = o0 + rowO, o2 = o1 + rowO, o3 = o2 + rowO;
    let j: i32 = 0;
    for (; j + 8 <= N; j += 8) {
      let c00 = f32x4.splat(0);
      let c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
      let pa = ai;
      let pb = b + bytes(j);
      for (let k: i32 = 0; k < K; k++) {
        const b0 = v128.load(pb);
        const b1 = v128.load(pb, 16);
        let av = rv<V>(v128.load32_splat(pa));
        c00 = madd(c00, av, b0);
        c01 = madd(c01, av, b1);
        av = rv<V>(v128.load32_splat(pa, 4));
        c10 = madd(c10, av, b0);
        c11 = madd(c11, av, b1);
        av = rv<V>(v128.load32_splat(pa, 8));
        c20 = madd(c20, av, b0);
        c21 = madd(c21, av, b1);
        av = rv<V>(v128.load32_splat(pa, 12));
        c30 = madd(c30, av, b0);
        c31 = madd(c31, av, b1);
        pa += aStep;
        pb += bStep;
      }
      const jOff = bytes(j);
      let p = o0 + jOff;
      v128.store(p, f32x4.add(v128.load(p), c00));
      v128.store(p, f32x4.add(v128.load(p, 16), c01), 16);
      p = o1 + jOff;
      v128.store(p, f32x4.add(v128.load(p), c10));
      v128.store(p, f32x4.add(v128.load(p, 16), c11), 16);
      p = o2 + jOff;
      v128.store(p, f32x4.add(v128.load(p), c20));
      v128.store(p, f32x4.add(v128.load(p, 16), c21), 16);
      p = o3 + jOff;
      v128.store(p, f32x4.add(v128.load(p), c30));
      v128.store(p, f32x4.add(v128.load(p, 16), c31), 16);
    }
    for (; j + 4 <= N; j += 4) {
      let c0 = f32x4.splat(0);
      let c1 = c0, c2 = c0, c3 = c0;
      let pa = ai;
      let pb = b + bytes(j);
      for (let k: i32 = 0; k < K; k++) {
        const b0 = v128.load(pb);
        c0 = madd(c0, rv<V>(v128.load32_splat(pa)), b0);
        c1 = madd(c1, rv<V>(v128.load32_splat(pa, 4)), b0);
        c2 = madd(c2, rv<V>(v128.load32_splat(pa, 8)), b0);
        c3 = madd(c3, rv<V>(v128.load32_splat(pa, 12)), b0);
        pa += aStep;
        pb += bStep;
      }
      const jOff = bytes(j);
      v128.store(o0 + jOff, f32x4.add(v128.load(o0 + jOff), c0));
      v128.store(o1 + jOff, f32x4.add(v128.load(o1 + jOff), c1));
      v128.store(o2 + jOff, f32x4.add(v128.load(o2 + jOff), c2));
      v128.store(o3 + jOff, f32x4.add(v128.load(o3 + jOff), c3));
    }
    for (; j < N; j++) {
      // vector over the 4 rows i..i+3
      let c0 = f32x4.splat(0);
      let pa = ai;
      let pb = b + bytes(j);
      for (let k: i32 = 0; k < K; k++) {
        c0 = madd(c0, rv<V>(v128.load(pa)), v128.load32_splat(pb));
        pa += aStep;
        pb += bStep;
      }
      const jOff = bytes(j);
      store<f32>(o0 + jOff, load<f32>(o0 + jOff) + f32x4.extract_lane(c0, 0));
      store<f32>(o1 + jOff, load<f32>(o1 + jOff) + f32x4.extract_lane(c0, 1));
      store<f32>(o2 + jOff, load<f32>(o2 + jOff) + f32x4.extract_lane(c0, 2));
      store<f32>(o3 + jOff, load<f32>(o3 + jOff) + f32x4.extract_lane(c0, 3));
    }
  }
  for (; i < M; i++) {
    const ai = a + bytes(i);
    const o0 = out + bytes(i * N);
    let j: i32 = 0;
    for (; j + 8 <= N; j += 8) {
      let c0 = f32x4.splat(0);
      let c1 = c0;
      let pa = ai;
      let pb = b + bytes(j);
      for (let k: i32 = 0; k < K; k++) {
        const av = rv<V>(v128.load32_splat(pa));
        c0 = madd(c0, av, v128.load(pb));
        c1 = madd(c1, av, v128.load(pb, 16));
        pa += aStep;
        pb += bStep;
      }
      const p = o0 + bytes(j);
      v128.store(p, f32x4.add(v128.load(p), c0));
      v128.store(p, f32x4.add(v128.load(p, 16), c1), 16);
    }
    for (; j + 4 <= N; j += 4) {
      let c0 = f32x4.splat(0);
      let pa = ai;
      let pb = b + bytes(j);
      for (let k: i32 = 0; k < K; k++) {
        c0 = madd(c0, rv<V>(v128.load32_splat(pa)), v128.load(pb));
        pa += aStep;
        pb += bStep;
      }
      const p = o0 + bytes(j);
      v128.store(p, f32x4.add(v128.load(p), c0));
    }
    for (; j < N; j++) {
      let s: f32 = 0;
      let pa = ai;
      let pb = b + bytes(j);
      for (let k: i32 = 0; k < K; k++) {
        s += rs<V>(load<f32>(pa)) * load<f32>(pb);
        pa += aStep;
        pb += bStep;
      }
      const p = o0 + bytes(j);
      store<f32>(p, load<f32>(p) + s);
    }
  }
}

/** out[ch] += sum_k a[k*aStep + 4ch] * b[k*bStep + 4ch], ch < C. */
function dwRowDot<V>(a: usize, aStep: usize, b: usize, bStep: usize, K: i32, C: i32, out: usize): void {
  let ch: i32 = 0;
  for (; ch + 8 <= C; ch += 8) {
    const cOff = bytes(ch);
    let c0 = f32x4.splat(0);
    let c1 = c0, c2 = c0, c3 = c0;
    let pa = a + cOff;
    let pb = b + cOff;
    let k: i32 = 0;
    for (; k + 2 <= K; k += 2) {
      c0 = madd(c0, rv<V>(v128.load(pa)), v128.load(pb));
      c1 = madd(c1, rv<V>(v128.load(pa, 16)), v128.load(pb, 16));
      const qa = pa + aStep, qb = pb + bStep;
      c2 = madd(c2, rv<V>(v128.load(qa)), v128.load(qb));
      c3 = madd(c3, rv<V>(v128.load(qa, 16)), v128.load(qb, 16));
      pa = qa + aStep;
      pb = qb + bStep;
    }
    if (k < K) {
      c0 = madd(c0, rv<V>(v128.load(pa)), v128.load(pb));
      c1 = madd(c1, rv<V>(v128.load(pa, 16)), v128.load(pb, 16));
    }
    const po = out + cOff;
    v128.store(po, f32x4.add(v128.load(po), f32x4.add(c0, c2)));
    v128.store(po, f32x4.add(v128.load(po, 16), f32x4.add(c1, c3)), 16);
  }
  for (; ch + 4 <= C; ch += 4) {
    const cOff = bytes(ch);
    let c0 = f32x4.splat(0);
    let c1 = c0;
    let pa = a + cOff;
    let pb = b + cOff;
    let k: i32 = 0;
    for (; k + 2 <= K; k += 2) {
      c0 = madd(c0, rv<V>(v128.load(pa)), v128.load(pb));
      c1 = madd(c1, rv<V>(v128.load(pa + aStep)), v128.load(pb + bStep));
      pa += aStep + aStep;
      pb += bStep + bStep;
    }
    if (k < K) c0 = madd(c0, rv<V>(v128.load(pa)), v128.load(pb));
    const po = out + cOff;
    v128.store(po, f32x4.add(v128.load(po), f32x4.add(c0, c1)));
  }
  for (; ch < C; ch++) {
    const cOff = bytes(ch);
    let s: f32 = 0;
    let pa = a + cOff;
    let pb = b + cOff;
    for (let k: i32 = 0; k < K; k++) {
      s += rs<V>(load<f32>(pa)) * load<f32>(pb);
      pa += aStep;
      pb += bStep;
    }
    const po = out + cOff;
    store<f32>(po, load<f32>(po) + s);
  }
}

/**
 * Depthwise filter gradient of one padded row, stride 1, kw 3 or 5 (sliding window):
 * out[kx*c + ch] += sum_ox x[(ox + kx*d)*c + ch] * dy[ox*c + ch] for kx < kw, ox < ow.
 * Groups of 4 (kw 3) or 2 (kw 5) pixels d apart share their x loads.
 */
function dwRowSlide(x: usize, dy: usize, ow: i32, C: i32, d: i32, kw: i32, out: usize): void {
  const cB = bytes(C);
  const step = <usize>d * cB; // between the pixels of a group, = between tap columns
  const block = (kw == 3 ? 4 : 2) * d;
  const blocks = ow / block;
  const done = blocks * block;
  let ch: i32 = 0;
  for (; ch + 4 <= C; ch += 4) {
    if (kw == 3) dwRowSlide3(x + bytes(ch), dy + bytes(ch), blocks, block, C, d, step, out + bytes(ch));
    else dwRowSlide5(x + bytes(ch), dy + bytes(ch), blocks, block, C, d, step, out + bytes(ch));
  }
  // channel tail over the grouped pixels, pixel tail over all channels
  for (let kx: i32 = 0; kx < kw; kx++) {
    const xs = x + <usize>kx * step;
    const o = out + bytes(kx * C);
    if (ch < C && done > 0) dwRowDot<Plain>(xs + bytes(ch), cB, dy + bytes(ch), cB, done, C - ch, o + bytes(ch));
    if (done < ow) dwRowDot<Plain>(xs + bytes(done * C), cB, dy + bytes(done * C), cB, ow - done, C, o);
  }
}

function dwRowSlide3(x: usize, dy: usize, blocks: i32, block: i32, C: i32, d: i32, step: usize, out: usize): void {
  const cB = bytes(C);
  let a0 = f32x4.splat(0);
  let a1 = a0, a2 = a0;
  for (let k: i32 = 0; k < blocks; k++) {
    for (let i: i32 = 0; i < d; i++) {
      const off = bytes((k * block + i) * C);
      let px = x + off;
      let pg = dy + off;
      const g0 = v128.load(pg);
      pg += step;
      const g1 = v128.load(pg);
      pg += step;
      const g2 = v128.load(pg);
      pg += step;
      const g3 = v128.load(pg);
      const x0 = v128.load(px);
      px += step;
      const x1 = v128.load(px);
      px += step;
      const x2 = v128.load(px);
      px += step;
      const x3 = v128.load(px);
      px += step;
      const x4 = v128.load(px);
      px += step;
      const x5 = v128.load(px);
      a0 = f32x4.add(a0, f32x4.add(madd(f32x4.mul(x0, g0), x1, g1), madd(f32x4.mul(x2, g2), x3, g3)));
      a1 = f32x4.add(a1, f32x4.add(madd(f32x4.mul(x1, g0), x2, g1), madd(f32x4.mul(x3, g2), x4, g3)));
      a2 = f32x4.add(a2, f32x4.add(madd(f32x4.mul(x2, g0), x3, g1), madd(f32x4.mul(x4, g2), x5, g3)));
    }
  }
  v128.store(out, f32x4.add(v128.load(out), a0));
  v128.store(out + cB, f32x4.add(v128.load(out + cB), a1));
  v128.store(out + 2 * cB, f32x4.add(v128.load(out + 2 * cB), a2));
}

function dwRowSlide5(x: usize, dy: usize, blocks: i32, block: i32, C: i32, d: i32, step: usize, out: usize): void {
  const cB = bytes(C);
  let a0 = f32x4.splat(0);
  let a1 = a0, a2 = a0, a3 = a0, a4 = a0;
  for (let k: i32 = 0; k < blocks; k++) {
    for (let i: i32 = 0; i < d; i++) {
      const off = bytes((k * block + i) * C);
      let px = x + off;
      const pg = dy + off;
      const g0 = v128.load(pg);
      const g1 = v128.load(pg + step);
      const x0 = v128.load(px);
      px += step;
      const x1 = v128.load(px);
      px += step;
      const x2 = v128.load(px);
      px += step;
      const x3 = v128.load(px);
      px += step;
      const x4 = v128.load(px);
      px += step;
      const x5 = v128.load(px);
      a0 = f32x4.add(a0, madd(f32x4.mul(x0, g0), x1, g1));
      a1 = f32x4.add(a1, madd(f32x4.mul(x1, g0), x2, g1));
      a2 = f32x4.add(a2, madd(f32x4.mul(x2, g0), x3, g1));
      a3 = f32x4.add(a3, madd(f32x4.mul(x3, g0), x4, g1));
      a4 = f32x4.add(a4, madd(f32x4.mul(x4, g0), x5, g1));
    }
  }
  v128.store(out, f32x4.add(v128.load(out), a0));
  v128.store(out + cB, f32x4.add(v128.load(out + cB), a1));
  v128.store(out + 2 * cB, f32x4.add(v128.load(out + 2 * cB), a2));
  v128.store(out + 3 * cB, f32x4.add(v128.load(out + 3 * cB), a3));
  v128.store(out + 4 * cB, f32x4.add(v128.load(out + 4 * cB), a4));
}

function filterGrad<V>(
  x: usize, dy: usize, df: usize,
  n: i32, h: i32, w: i32, cin: i32, oh: i32, ow: i32, cout: i32,
  kh: i32, kw: i32, stride: i32, dilation: i32, padTop: i32, padLeft: i32, dw: bool,
): void {
  const cinB = bytes(cin);
  const coutB = bytes(cout);
  const tapFloats = dw ? cin : cin * cout;
  if (kh == 1 && kw == 1 && stride == 1 && padTop == 0 && padLeft == 0 && oh == h && ow == w) {
    const M = n * h * w;
    const CH: i32 = 128;
    for (let p: i32 = 0; p < M; p += CH) {
      const K = imin(CH, M - p);
      if (dw) dwRowDot<V>(x + bytes(p * cin), cinB, dy + bytes(p * cout), coutB, K, cin, df);
      else gemmTN<V>(x + bytes(p * cin), cinB, dy + bytes(p * cout), coutB, K, cin, cout, df);
    }
    return;
  }
  const xStep = bytes(stride * cin);
  for (let b: i32 = 0; b < n; b++) {
    for (let oy: i32 = 0; oy < oh; oy++) {
      const iy0 = oy * stride - padTop;
      const kyLo = kLow(iy0, dilation, kh);
      const kyHi = kHigh(iy0, dilation, kh, h, kyLo);
      const dyRow = dy + bytes((b * oh + oy) * ow * cout);
      for (let ky = kyLo; ky < kyHi; ky++) {
        const iy = iy0 + ky * dilation;
        const xRow = x + bytes((b * h + iy) * w * cin);
        for (let kx: i32 = 0; kx < kw; kx++) {
          // ix = ox*stride - padLeft + kx*dilation in [0, w)
          const base = kx * dilation - padLeft;
          const oxLo = imin(ow, imax(0, ceilDiv(-base, stride)));
          const oxHi = imax(oxLo, imin(ow, floorDiv(w - 1 - base, stride) + 1));
          const K = oxHi - oxLo;
          if (K <= 0) continue;
          const xp = xRow + bytes((oxLo * stride + base) * cin);
          const dyp = dyRow + bytes(oxLo * cout);
          const out = df + bytes((ky * kw + kx) * tapFloats);
          if (dw) dwRowDot<V>(xp, xStep, dyp, coutB, K, cin, out);
          else gemmTN<V>(xp, xStep, dyp, coutB, K, cin, cout, out);
        }
      }
    }
  }
}

export function conv2dBackpropFilter(
  x: usize, dy: usize, dfilter: usize,
  n: i32, h: i32, w: i32, cin: i32, oh: i32, ow: i32, cout: i32,
  kh: i32, kw: i32, stride: i32, dilation: i32, padTop: i32, padLeft: i32,
): void {
  filterGrad<Plain>(x, dy, dfilter, n, h, w, cin, oh, ow, cout, kh, kw, stride, dilation, padTop, padLeft, false);
}

/** depthwiseBackpropFilter with x or, for ReluIn, relu(x) (applied while padding). */
function dwFilterGrad<V>(
  x: usize, dy: usize, dfilter: usize,
  n: i32, h: i32, w: i32, c: i32, oh: i32, ow: i32,
  kh: i32, kw: i32, stride: i32, dilation: i32, padTop: i32, padLeft: i32,
): void {
  const hp = (oh - 1) * stride + (kh - 1) * dilation + 1;
  const wp = (ow - 1) * stride + (kw - 1) * dilation + 1;
  if (oh > 0 && ow > 0 && padImage<V>(x, h, w, c, hp, wp, padTop, padLeft)) {
    const imgB = bytes(h * w * c);
    const dyB = bytes(oh * ow * c);
    const cB = bytes(c);
    const pixStep = bytes(stride * c);
    for (let b: i32 = 0; b < n; b++) {
      if (b > 0) padImage<V>(x + <usize>b * imgB, h, w, c, hp, wp, padTop, padLeft);
      const dyImg = dy + <usize>b * dyB;
      for (let oy: i32 = 0; oy < oh; oy++) {
        const dyRow = dyImg + bytes(oy * ow * c);
        for (let ky: i32 = 0; ky < kh; ky++) {
          const src = SCR + bytes((oy * stride + ky * dilation) * wp * c);
          const out = dfilter + bytes(ky * kw * c);
          if (stride == 1 && (kw == 3 || kw == 5)) {
            dwRowSlide(src, dyRow, ow, c, dilation, kw, out);
            continue;
          }
          for (let kx: i32 = 0; kx < kw; kx++) {
            dwRowDot<Plain>(src + bytes(kx * dilation * c), pixStep, dyRow, cB, ow, c, out + bytes(kx * c));
          }
        }
      }
    }
    return;
  }
  filterGrad<V>(x, dy, dfilter, n, h, w, c, oh, ow, c, kh, kw, stride, dilation, padTop, padLeft, true);
}

export function depthwiseBackpropFilter(
  x: usize, dy: usize, dfilter: usize,
  n: i32, h: i32, w: i32, c: i32, oh: i32, ow: i32,
  kh: i32, kw: i32, stride: i32, dilation: i32, padTop: i32, padLeft: i32,
): void {
  dwFilterGrad<Plain>(x, dy, dfilter, n, h, w, c, oh, ow, kh, kw, stride, dilation, padTop, padLeft);
}

// ---------------------------------------------------------------------------------------------
// Convolutions of relu(x): the ReLU on the input fused into the kernels (no relu(x) buffer).
// The backprop-input kernels take x as well: dx += (x > 0) * (what the plain kernel would add).

// conv2d: the tap kernels re-read each input value many times, so relu(x) is copied into SCR, a
// chunk of pixels (1x1) or an image at a time (still in cache for the plain kernel that reads it);
// images larger than SCR use the kernels reading max(x, 0) directly.

const RELU_CHUNK_FLOATS: i32 = 8192; // pointwise chunk (L1-sized)

export function conv2dRelu(
  x: usize, filter: usize, y: usize,
  n: i32, h: i32, w: i32, cin: i32, oh: i32, ow: i32, cout: i32,
  kh: i32, kw: i32, stride: i32, dilation: i32, padTop: i32, padLeft: i32,
): void {
  if (isPointwise(h, w, oh, ow, kh, kw, stride, padTop, padLeft) && 4 * cin <= SCR_FLOATS) {
    const M = n * h * w;
    const chunk = imax(4, (RELU_CHUNK_FLOATS / imax(cin, 1)) & ~3);
    for (let p: i32 = 0; p < M; p += chunk) {
      const cnt = imin(chunk, M - p);
      reluCopy(x + bytes(p * cin), SCR, cnt * cin);
      forward<Plain>(SCR, filter, y + bytes(p * cout), 1, cnt, 1, cin, cnt, 1, cout, 1, 1, 1, 1, 0, 0, false);
    }
    return;
  }
  const img = h * w * cin;
  if (<i64>h * <i64>w * <i64>cin <= <i64>SCR_FLOATS) {
    const outB = bytes(oh * ow * cout);
    for (let b: i32 = 0; b < n; b++) {
      reluCopy(x + <usize>b * bytes(img), SCR, img);
      forward<Plain>(SCR, filter, y + <usize>b * outB, 1, h, w, cin, oh, ow, cout, kh, kw, stride, dilation, padTop, padLeft, false);
    }
    return;
  }
  forward<ReluIn>(x, filter, y, n, h, w, cin, oh, ow, cout, kh, kw, stride, dilation, padTop, padLeft, false);
}

export function conv2dBackpropInputRelu(
  dy: usize, filter: usize, x: usize, dx: usize,
  n: i32, h: i32, w: i32, cin: i32, oh: i32, ow: i32, cout: i32,
  kh: i32, kw: i32, stride: i32, dilation: i32, padTop: i32, padLeft: i32,
): void {
  gMaskOff = x - dx;
  convBackpropInput<MaskOut>(dy, filter, dx, n, h, w, cin, oh, ow, cout, kh, kw, stride, dilation, padTop, padLeft);
}

export function conv2dBackpropFilterRelu(
  x: usize, dy: usize, dfilter: usize,
  n: i32, h: i32, w: i32, cin: i32, oh: i32, ow: i32, cout: i32,
  kh: i32, kw: i32, stride: i32, dilation: i32, padTop: i32, padLeft: i32,
): void {
  const CH: i32 = 128; // pixels per chunk, as in filterGrad
  if (isPointwise(h, w, oh, ow, kh, kw, stride, padTop, padLeft) && CH * cin <= SCR_FLOATS) {
    const M = n * h * w;
    for (let p: i32 = 0; p < M; p += CH) {
      const K = imin(CH, M - p);
      reluCopy(x + bytes(p * cin), SCR, K * cin);
      gemmTN<Plain>(SCR, bytes(cin), dy + bytes(p * cout), bytes(cout), K, cin, cout, dfilter);
    }
    return;
  }
  const img = h * w * cin;
  if (<i64>h * <i64>w * <i64>cin <= <i64>SCR_FLOATS) {
    const dyB = bytes(oh * ow * cout);
    for (let b: i32 = 0; b < n; b++) {
      reluCopy(x + <usize>b * bytes(img), SCR, img);
      filterGrad<Plain>(SCR, dy + <usize>b * dyB, dfilter, 1, h, w, cin, oh, ow, cout, kh, kw, stride, dilation, padTop, padLeft, false);
    }
    return;
  }
  filterGrad<ReluIn>(x, dy, dfilter, n, h, w, cin, oh, ow, cout, kh, kw, stride, dilation, padTop, padLeft, false);
}

export function depthwiseConv2dRelu(
  x: usize, filter: usize, y: usize,
  n: i32, h: i32, w: i32, c: i32, oh: i32, ow: i32,
  kh: i32, kw: i32, stride: i32, dilation: i32, padTop: i32, padLeft: i32,
): void {
  dwForward<ReluIn>(x, filter, y, n, h, w, c, oh, ow, kh, kw, stride, dilation, padTop, padLeft);
}

export function depthwiseBackpropInputRelu(
  dy: usize, filter: usize, x: usize, dx: usize,
  n: i32, h: i32, w: i32, c: i32, oh: i32, ow: i32,
  kh: i32, kw: i32, stride: i32, dilation: i32, padTop: i32, padLeft: i32,
): void {
  gMaskOff = x - dx;
  dwBackpropInput<MaskOut>(dy, filter, dx, n, h, w, c, oh, ow, kh, kw, stride, dilation, padTop, padLeft);
}

export function depthwiseBackpropFilterRelu(
  x: usize, dy: usize, dfilter: usize,
  n: i32, h: i32, w: i32, c: i32, oh: i32, ow: i32,
  kh: i32, kw: i32, stride: i32, dilation: i32, padTop: i32, padLeft: i32,
): void {
  dwFilterGrad<ReluIn>(x, dy, dfilter, n, h, w, c, oh, ow, kh, kw, stride, dilation, padTop, padLeft);
}

// ---------------------------------------------------------------------------------------------
// Elementwise

export function relu(x: usize, y: usize, len: i32): void {
  const zero = f32x4.splat(0);
  let i: i32 = 0;
  for (; i + 4 <= len; i += 4) {
    const o = bytes(i);
    v128.store(y + o, f32x4.max(v128.load(x + o), zero));
  }
  for (; i < len; i++) {
    const o = bytes(i);
    const v = load<f32>(x + o);
    store<f32>(y + o, v > 0 ? v : 0);
  }
}

export function reluBackprop(x: usize, dy: usize, dx: usize, len: i32): void {
  const zero = f32x4.splat(0);
  let i: i32 = 0;
  for (; i + 4 <= len; i += 4) {
    const o = bytes(i);
    const m = f32x4.gt(v128.load(x + o), zero);
    v128.store(dx + o, f32x4.add(v128.load(dx + o), v128.and(v128.load(dy + o), m)));
  }
  for (; i < len; i++) {
    const o = bytes(i);
    if (load<f32>(x + o) > 0) store<f32>(dx + o, load<f32>(dx + o) + load<f32>(dy + o));
  }
}

export function add(a: usize, b: usize, y: usize, len: i32): void {
  let i: i32 = 0;
  for (; i + 4 <= len; i += 4) {
    const o = bytes(i);
    v128.store(y + o, f32x4.add(v128.load(a + o), v128.load(b + o)));
  }
  for (; i < len; i++) {
    const o = bytes(i);
    store<f32>(y + o, load<f32>(a + o) + load<f32>(b + o));
  }
}

export function accumulate(src: usize, dst: usize, len: i32): void {
  let i: i32 = 0;
  for (; i + 8 <= len; i += 8) {
    const o = bytes(i);
    const s = src + o, d = dst + o;
    v128.store(d, f32x4.add(v128.load(d), v128.load(s)));
    v128.store(d, f32x4.add(v128.load(d, 16), v128.load(s, 16)), 16);
  }
  for (; i + 4 <= len; i += 4) {
    const o = bytes(i);
    v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
  }
  for (; i < len; i++) {
    const o = bytes(i);
    store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
  }
}

export function scale(src: usize, dst: usize, len: i32, factor: f32): void {
  const f = f32x4.splat(factor);
  let i: i32 = 0;
  for (; i + 4 <= len; i += 4) {
    const o = bytes(i);
    v128.store(dst + o, f32x4.mul(v128.load(src + o), f));
  }
  for (; i < len; i++) {
    const o = bytes(i);
    store<f32>(dst + o, load<f32>(src + o) * factor);
  }
}

export function fill(dst: usize, len: i32, value: f32): void {
  const v = f32x4.splat(value);
  let i: i32 = 0;
  for (; i + 4 <= len; i += 4) v128.store(dst + bytes(i), v);
  for (; i < len; i++) store<f32>(dst + bytes(i), value);
}

export function copyRows(src: usize, dst: usize, rows: i32, rowLength: i32, srcStride: i32, dstStride: i32): void {
  const bytesPerRow = bytes(rowLength);
  for (let r: i32 = 0; r < rows; r++) {
    memory.copy(dst + bytes(r * dstStride), src + bytes(r * srcStride), bytesPerRow);
  }
}

export function accumulateRows(src: usize, dst: usize, rows: i32, rowLength: i32, srcStride: i32, dstStride: i32): void {
  for (let r: i32 = 0; r < rows; r++) {
    accumulate(src + bytes(r * srcStride), dst + bytes(r * dstStride), rowLength);
  }
}

// ---------------------------------------------------------------------------------------------
// Per-channel rows [rows, c]

export function addBias(y: usize, bias: usize, rows: i32, c: i32): void {
  for (let r: i32 = 0; r < rows; r++) accumulate(bias, y + bytes(r * c), c);
}

export function batchNormApply(x: usize, y: usize, rows: i32, c: i32, scaleP: usize, shift: usize): void {
  const rowB = bytes(c);
  for (let r: i32 = 0; r < rows; r++) {
    const xr = x + <usize>r * rowB;
    const yr = y + <usize>r * rowB;
    let ch: i32 = 0;
    for (; ch + 4 <= c; ch += 4) {
      const o = bytes(ch);
      v128.store(yr + o, madd(v128.load(shift + o), v128.load(xr + o), v128.load(scaleP + o)));
    }
    for (; ch < c; ch++) {
      const o = bytes(ch);
      store<f32>(yr + o, load<f32>(xr + o) * load<f32>(scaleP + o) + load<f32>(shift + o));
    }
  }
}

// Column reductions over rows, 16 channels (one cache line) at a time, f32 partial sums over
// ROWS_BLOCK rows added into f64 totals in CT.
//   mode 0: CT[j] = sum x
//   mode 1: CT[j] = sum (x - m)^2, m = mean[ch]
//   mode 2: CT[j] = sum dy (from b), CT[16 + j] = sum dy * (x - m) * invStd

@inline function ctAdd(j: i32, v: v128): void {
  const p = CT + (<usize>j << 3);
  store<f64>(p, load<f64>(p) + <f64>f32x4.extract_lane(v, 0));
  store<f64>(p, load<f64>(p, 8) + <f64>f32x4.extract_lane(v, 1), 8);
  store<f64>(p, load<f64>(p, 16) + <f64>f32x4.extract_lane(v, 2), 16);
  store<f64>(p, load<f64>(p, 24) + <f64>f32x4.extract_lane(v, 3), 24);
}

@inline function ct(j: i32): f64 {
  return load<f64>(CT + (<usize>j << 3));
}

/** Reduces channels [ch0, ch0 + width) (width 16, 4 or 1 with vector width 4 or scalar). */
function colReduce(x: usize, b: usize, rows: i32, c: i32, ch0: i32, width: i32, mode: i32, mean: usize, invStd: usize): void {
  memory.fill(CT, 0, 256);
  const rowB = bytes(c);
  const cOff = bytes(ch0);
  const xs = x + cOff;
  const bs = b + cOff;
  if (width == 16) {
    let m0 = f32x4.splat(0), m1 = m0, m2 = m0, m3 = m0;
    let s0 = m0, s1 = m0, s2 = m0, s3 = m0;
    if (mode != 0) {
      m0 = v128.load(mean + cOff);
      m1 = v128.load(mean + cOff, 16);
      m2 = v128.load(mean + cOff, 32);
      m3 = v128.load(mean + cOff, 48);
    }
    if (mode == 2) {
      s0 = v128.load(invStd + cOff);
      s1 = v128.load(invStd + cOff, 16);
      s2 = v128.load(invStd + cOff, 32);
      s3 = v128.load(invStd + cOff, 48);
    }
    for (let r0: i32 = 0; r0 < rows; r0 += ROWS_BLOCK) {
      const r1 = imin(rows, r0 + ROWS_BLOCK);
      let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
      let e0 = a0, e1 = a0, e2 = a0, e3 = a0;
      let px = xs + <usize>r0 * rowB;
      if (mode == 0) {
        for (let r = r0; r < r1; r++) {
          a0 = f32x4.add(a0, v128.load(px));
          a1 = f32x4.add(a1, v128.load(px, 16));
          a2 = f32x4.add(a2, v128.load(px, 32));
          a3 = f32x4.add(a3, v128.load(px, 48));
          px += rowB;
        }
      } else if (mode == 1) {
        for (let r = r0; r < r1; r++) {
          const d0 = f32x4.sub(v128.load(px), m0);
          const d1 = f32x4.sub(v128.load(px, 16), m1);
          const d2 = f32x4.sub(v128.load(px, 32), m2);
          const d3 = f32x4.sub(v128.load(px, 48), m3);
          a0 = madd(a0, d0, d0);
          a1 = madd(a1, d1, d1);
          a2 = madd(a2, d2, d2);
          a3 = madd(a3, d3, d3);
          px += rowB;
        }
      } else {
        let pb = bs + <usize>r0 * rowB;
        for (let r = r0; r < r1; r++) {
          const g0 = v128.load(pb);
          const g1 = v128.load(pb, 16);
          const g2 = v128.load(pb, 32);
          const g3 = v128.load(pb, 48);
          a0 = f32x4.add(a0, g0);
          a1 = f32x4.add(a1, g1);
          a2 = f32x4.add(a2, g2);
          a3 = f32x4.add(a3, g3);
          e0 = madd(e0, g0, f32x4.sub(v128.load(px), m0));
          e1 = madd(e1, g1, f32x4.sub(v128.load(px, 16), m1));
          e2 = madd(e2, g2, f32x4.sub(v128.load(px, 32), m2));
          e3 = madd(e3, g3, f32x4.sub(v128.load(px, 48), m3));
          px += rowB;
          pb += rowB;
        }
      }
      ctAdd(0, a0);
      ctAdd(4, a1);
      ctAdd(8, a2);
      ctAdd(12, a3);
      if (mode == 2) {
        ctAdd(16, f32x4.mul(e0, s0));
        ctAdd(20, f32x4.mul(e1, s1));
        ctAdd(24, f32x4.mul(e2, s2));
        ctAdd(28, f32x4.mul(e3, s3));
      }
    }
  } else if (width == 4) {
    let m0 = f32x4.splat(0), s0 = m0;
    if (mode != 0) m0 = v128.load(mean + cOff);
    if (mode == 2) s0 = v128.load(invStd + cOff);
    for (let r0: i32 = 0; r0 < rows; r0 += ROWS_BLOCK) {
      const r1 = imin(rows, r0 + ROWS_BLOCK);
      let a0 = f32x4.splat(0), e0 = a0;
      let px = xs + <usize>r0 * rowB;
      let pb = bs + <usize>r0 * rowB;
      for (let r = r0; r < r1; r++) {
        if (mode == 0) {
          a0 = f32x4.add(a0, v128.load(px));
        } else if (mode == 1) {
          const d0 = f32x4.sub(v128.load(px), m0);
          a0 = madd(a0, d0, d0);
        } else {
          const g0 = v128.load(pb);
          a0 = f32x4.add(a0, g0);
          e0 = madd(e0, g0, f32x4.sub(v128.load(px), m0));
        }
        px += rowB;
        pb += rowB;
      }
      ctAdd(0, a0);
      if (mode == 2) ctAdd(16, f32x4.mul(e0, s0));
    }
  } else {
    let m: f32 = 0, s: f32 = 0;
    if (mode != 0) m = load<f32>(mean + cOff);
    if (mode == 2) s = load<f32>(invStd + cOff);
    for (let r0: i32 = 0; r0 < rows; r0 += ROWS_BLOCK) {
      const r1 = imin(rows, r0 + ROWS_BLOCK);
      let a: f32 = 0, e: f32 = 0;
      let px = xs + <usize>r0 * rowB;
      let pb = bs + <usize>r0 * rowB;
      for (let r = r0; r < r1; r++) {
        if (mode == 0) {
          a += load<f32>(px);
        } else if (mode == 1) {
          const d = load<f32>(px) - m;
          a += d * d;
        } else {
          const g = load<f32>(pb);
          a += g;
          e += g * (load<f32>(px) - m);
        }
        px += rowB;
        pb += rowB;
      }
      store<f64>(CT, load<f64>(CT) + <f64>a);
      if (mode == 2) store<f64>(CT, load<f64>(CT, 128) + <f64>(e * s), 128);
    }
  }
}

@inline function widthAt(ch: i32, c: i32): i32 {
  return ch + 16 <= c ? 16 : ch + 4 <= c ? 4 : 1;
}

export function sumRows(x: usize, rows: i32, c: i32, out: usize): void {
  let ch: i32 = 0;
  while (ch < c) {
    const wd = widthAt(ch, c);
    colReduce(x, 0, rows, c, ch, wd, 0, 0, 0);
    for (let j: i32 = 0; j < wd; j++) {
      const p = out + bytes(ch + j);
      store<f32>(p, <f32>(<f64>load<f32>(p) + ct(j)));
    }
    ch += wd;
  }
}

export function batchNormStats(x: usize, rows: i32, c: i32, mean: usize, variance: usize): void {
  const inv: f64 = rows > 0 ? 1.0 / <f64>rows : 0.0;
  let ch: i32 = 0;
  while (ch < c) {
    const wd = widthAt(ch, c);
    colReduce(x, 0, rows, c, ch, wd, 0, 0, 0);
    for (let j: i32 = 0; j < wd; j++) store<f32>(mean + bytes(ch + j), <f32>(ct(j) * inv));
    colReduce(x, 0, rows, c, ch, wd, 1, mean, 0);
    for (let j: i32 = 0; j < wd; j++) store<f32>(variance + bytes(ch + j), <f32>(ct(j) * inv));
    ch += wd;
  }
}

export function batchNormBackprop(
  x: usize, dy: usize, dx: usize, rows: i32, c: i32,
  mean: usize, invStd: usize, gamma: usize, dgamma: usize, dbeta: usize,
): void {
  if (rows <= 0) return;
  const inv: f64 = 1.0 / <f64>rows;
  // Per-channel coefficients in SCR: A = gamma*invStd, B = A*sdy/rows, C = A*sdyx*invStd/rows,
  // so that dx += A*dy - B - C*(x - mean).
  if (<i32>c * 3 > SCR_FLOATS) unreachable();
  const cA = SCR, cB = SCR + bytes(c), cC = SCR + bytes(2 * c);
  let ch: i32 = 0;
  while (ch < c) {
    const wd = widthAt(ch, c);
    colReduce(x, dy, rows, c, ch, wd, 2, mean, invStd);
    for (let j: i32 = 0; j < wd; j++) {
      const o = bytes(ch + j);
      const sdy = ct(j);
      const sdyx = ct(16 + j);
      store<f32>(dgamma + o, <f32>(<f64>load<f32>(dgamma + o) + sdyx));
      store<f32>(dbeta + o, <f32>(<f64>load<f32>(dbeta + o) + sdy));
      const is = <f64>load<f32>(invStd + o);
      const a = <f64>load<f32>(gamma + o) * is;
      store<f32>(cA + o, <f32>a);
      store<f32>(cB + o, <f32>(a * sdy * inv));
      store<f32>(cC + o, <f32>(a * sdyx * is * inv));
    }
    ch += wd;
  }
  const rowB = bytes(c);
  for (let r: i32 = 0; r < rows; r++) {
    const off = <usize>r * rowB;
    const xr = x + off, gr = dy + off, dr = dx + off;
    let k: i32 = 0;
    for (; k + 4 <= c; k += 4) {
      const o = bytes(k);
      const xm = f32x4.sub(v128.load(xr + o), v128.load(mean + o));
      let v = f32x4.sub(f32x4.mul(v128.load(cA + o), v128.load(gr + o)), v128.load(cB + o));
      v = f32x4.sub(v, f32x4.mul(v128.load(cC + o), xm));
      v128.store(dr + o, f32x4.add(v128.load(dr + o), v));
    }
    for (; k < c; k++) {
      const o = bytes(k);
      const xm = load<f32>(xr + o) - load<f32>(mean + o);
      const v = load<f32>(cA + o) * load<f32>(gr + o) - load<f32>(cB + o) - load<f32>(cC + o) * xm;
      store<f32>(dr + o, load<f32>(dr + o) + v);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Pooling

export function maxPool(
  x: usize, y: usize, argmax: usize,
  n: i32, h: i32, w: i32, c: i32, oh: i32, ow: i32,
  kh: i32, kw: i32, stride: i32, padTop: i32, padLeft: i32,
): void {
  const iota = i32x4(0, 1, 2, 3);
  for (let b: i32 = 0; b < n; b++) {
    for (let oy: i32 = 0; oy < oh; oy++) {
      const iy0 = oy * stride - padTop;
      const kyLo = kLow(iy0, 1, kh);
      const kyHi = kHigh(iy0, 1, kh, h, kyLo);
      for (let ox: i32 = 0; ox < ow; ox++) {
        const ix0 = ox * stride - padLeft;
        const kxLo = kLow(ix0, 1, kw);
        const kxHi = kHigh(ix0, 1, kw, w, kxLo);
        const e0 = ((b * oh + oy) * ow + ox) * c;
        const yp = y + bytes(e0);
        const ap = argmax + bytes(e0);
        if (kyLo >= kyHi || kxLo >= kxHi) {
          for (let ch: i32 = 0; ch < c; ch++) {
            store<f32>(yp + bytes(ch), 0);
            store<i32>(ap + bytes(ch), -1);
          }
          continue;
        }
        const first = ((b * h + iy0 + kyLo) * w + ix0 + kxLo) * c;
        let ch: i32 = 0;
        for (; ch + 4 <= c; ch += 4) {
          let best = v128.load(x + bytes(first + ch));
          let idx = i32x4.add(i32x4.splat(first + ch), iota);
          for (let ky = kyLo; ky < kyHi; ky++) {
            const rowE = ((b * h + iy0 + ky) * w + ix0) * c + ch;
            for (let kx = kxLo; kx < kxHi; kx++) {
              if (ky == kyLo && kx == kxLo) continue;
              const e = rowE + kx * c;
              const v = v128.load(x + bytes(e));
              const m = f32x4.gt(v, best);
              best = v128.bitselect(v, best, m);
              idx = v128.bitselect(i32x4.add(i32x4.splat(e), iota), idx, m);
            }
          }
          v128.store(yp + bytes(ch), best);
          v128.store(ap + bytes(ch), idx);
        }
        for (; ch < c; ch++) {
          let bi = first + ch;
          let best = load<f32>(x + bytes(bi));
          for (let ky = kyLo; ky < kyHi; ky++) {
            const rowE = ((b * h + iy0 + ky) * w + ix0) * c + ch;
            for (let kx = kxLo; kx < kxHi; kx++) {
              const e = rowE + kx * c;
              const v = load<f32>(x + bytes(e));
              if (v > best) {
                best = v;
                bi = e;
              }
            }
          }
          store<f32>(yp + bytes(ch), best);
          store<i32>(ap + bytes(ch), bi);
        }
      }
    }
  }
}

export function maxPoolBackprop(dy: usize, argmax: usize, dx: usize, len: i32): void {
  for (let i: i32 = 0; i < len; i++) {
    const e = load<i32>(argmax + bytes(i));
    if (e >= 0) {
      const p = dx + bytes(e);
      store<f32>(p, load<f32>(p) + load<f32>(dy + bytes(i)));
    }
  }
}

function avgPoolImpl(
  src: usize, dst: usize,
  n: i32, h: i32, w: i32, c: i32, oh: i32, ow: i32,
  kh: i32, kw: i32, stride: i32, padTop: i32, padLeft: i32, backward: bool,
): void {
  for (let b: i32 = 0; b < n; b++) {
    for (let oy: i32 = 0; oy < oh; oy++) {
      const iy0 = oy * stride - padTop;
      const kyLo = kLow(iy0, 1, kh);
      const kyHi = kHigh(iy0, 1, kh, h, kyLo);
      for (let ox: i32 = 0; ox < ow; ox++) {
        const ix0 = ox * stride - padLeft;
        const kxLo = kLow(ix0, 1, kw);
        const kxHi = kHigh(ix0, 1, kw, w, kxLo);
        const count = (kyHi - kyLo) * (kxHi - kxLo);
        const op = bytes(((b * oh + oy) * ow + ox) * c);
        const inv: f32 = count > 0 ? <f32>1 / <f32>count : 0;
        const invV = f32x4.splat(inv);
        if (!backward) {
          const yp = dst + op;
          let ch: i32 = 0;
          for (; ch + 4 <= c; ch += 4) {
            let s = f32x4.splat(0);
            for (let ky = kyLo; ky < kyHi; ky++) {
              const row = src + bytes(((b * h + iy0 + ky) * w + ix0) * c + ch);
              for (let kx = kxLo; kx < kxHi; kx++) s = f32x4.add(s, v128.load(row + bytes(kx * c)));
            }
            v128.store(yp + bytes(ch), f32x4.mul(s, invV));
          }
          for (; ch < c; ch++) {
            let s: f32 = 0;
            for (let ky = kyLo; ky < kyHi; ky++) {
              const row = src + bytes(((b * h + iy0 + ky) * w + ix0) * c + ch);
              for (let kx = kxLo; kx < kxHi; kx++) s += load<f32>(row + bytes(kx * c));
            }
            store<f32>(yp + bytes(ch), s * inv);
          }
        } else {
          if (count == 0) continue;
          const gp = src + op;
          for (let ky = kyLo; ky < kyHi; ky++) {
            for (let kx = kxLo; kx < kxHi; kx++) {
              const dp = dst + bytes(((b * h + iy0 + ky) * w + ix0 + kx) * c);
              let ch: i32 = 0;
              for (; ch + 4 <= c; ch += 4) {
                const o = bytes(ch);
                v128.store(dp + o, madd(v128.load(dp + o), v128.load(gp + o), invV));
              }
              for (; ch < c; ch++) {
                const o = bytes(ch);
                store<f32>(dp + o, load<f32>(dp + o) + load<f32>(gp + o) * inv);
              }
            }
          }
        }
      }
    }
  }
}

export function avgPool(
  x: usize, y: usize,
  n: i32, h: i32, w: i32, c: i32, oh: i32, ow: i32,
  kh: i32, kw: i32, stride: i32, padTop: i32, padLeft: i32,
): void {
  avgPoolImpl(x, y, n, h, w, c, oh, ow, kh, kw, stride, padTop, padLeft, false);
}

export function avgPoolBackprop(
  dy: usize, dx: usize,
  n: i32, h: i32, w: i32, c: i32, oh: i32, ow: i32,
  kh: i32, kw: i32, stride: i32, padTop: i32, padLeft: i32,
): void {
  avgPoolImpl(dy, dx, n, h, w, c, oh, ow, kh, kw, stride, padTop, padLeft, true);
}

export function globalAvgPool(x: usize, y: usize, n: i32, hw: i32, c: i32): void {
  const inv: f64 = hw > 0 ? 1.0 / <f64>hw : 0.0;
  for (let b: i32 = 0; b < n; b++) {
    const xb = x + bytes(b * hw * c);
    const yb = y + bytes(b * c);
    let ch: i32 = 0;
    while (ch < c) {
      const wd = widthAt(ch, c);
      colReduce(xb, 0, hw, c, ch, wd, 0, 0, 0);
      for (let j: i32 = 0; j < wd; j++) store<f32>(yb + bytes(ch + j), <f32>(ct(j) * inv));
      ch += wd;
    }
  }
}

export function globalAvgPoolBackprop(dy: usize, dx: usize, n: i32, hw: i32, c: i32): void {
  if (hw <= 0) return;
  const inv: f32 = <f32>1 / <f32>hw;
  const invV = f32x4.splat(inv);
  for (let b: i32 = 0; b < n; b++) {
    const gb = dy + bytes(b * c);
    for (let p: i32 = 0; p < hw; p++) {
      const dp = dx + bytes((b * hw + p) * c);
      let ch: i32 = 0;
      for (; ch + 4 <= c; ch += 4) {
        const o = bytes(ch);
        v128.store(dp + o, madd(v128.load(dp + o), v128.load(gb + o), invV));
      }
      for (; ch < c; ch++) {
        const o = bytes(ch);
        store<f32>(dp + o, load<f32>(dp + o) + load<f32>(gb + o) * inv);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Optimiser helpers

export function sumSquares(x: usize, len: i32): f64 {
  let total: f64 = 0;
  const BLOCK: i32 = 1024;
  let i: i32 = 0;
  while (i + 8 <= len) {
    const end = imin(len & ~7, i + BLOCK);
    let a0 = f32x4.splat(0);
    let a1 = a0;
    for (; i < end; i += 8) {
      const p = x + bytes(i);
      const v0 = v128.load(p);
      const v1 = v128.load(p, 16);
      a0 = madd(a0, v0, v0);
      a1 = madd(a1, v1, v1);
    }
    const s = f32x4.add(a0, a1);
    total += <f64>f32x4.extract_lane(s, 0) + <f64>f32x4.extract_lane(s, 1) +
      <f64>f32x4.extract_lane(s, 2) + <f64>f32x4.extract_lane(s, 3);
  }
  for (; i < len; i++) {
    const v = <f64>load<f32>(x + bytes(i));
    total += v * v;
  }
  return total;
}

export function sgdMomentum(
  param: usize, grad: usize, momentumBuf: usize, len: i32,
  learningRate: f32, momentum: f32, weightDecay: f32, gradScale: f32,
): void {
  const lr = f32x4.splat(learningRate);
  const mu = f32x4.splat(momentum);
  const wd = f32x4.splat(weightDecay);
  const gs = f32x4.splat(gradScale);
  let i: i32 = 0;
  for (; i + 4 <= len; i += 4) {
    const o = bytes(i);
    const p = v128.load(param + o);
    const g = madd(f32x4.mul(v128.load(grad + o), gs), wd, p);
    const m = madd(g, mu, v128.load(momentumBuf + o));
    v128.store(momentumBuf + o, m);
    v128.store(param + o, f32x4.sub(p, f32x4.mul(lr, m)));
  }
  for (; i < len; i++) {
    const o = bytes(i);
    const p = load<f32>(param + o);
    const g = load<f32>(grad + o) * gradScale + weightDecay * p;
    const m = momentum * load<f32>(momentumBuf + o) + g;
    store<f32>(momentumBuf + o, m);
    store<f32>(param + o, p - learningRate * m);
  }
}
