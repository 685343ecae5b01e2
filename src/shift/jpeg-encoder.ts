/**
 * Baseline JPEG encoder with 4:2:0 chroma subsampling and the standard tables: what PIL (libjpeg)
 * writes for `image.save(f, 'JPEG', quality=q)`, the reference generator's JPEG step. jpeg-js
 * only encodes 4:4:4, which keeps full-resolution chroma and so changes CIFAR images about 15–30 %
 * less than the reference (issue 14). sharp (libvips/libjpeg-turbo) would match too, but weighs
 * ≈ 20 MB of native code per platform and has only an asynchronous API; this file is ≈ 150 lines.
 */
import { CHROMA_AC, CHROMA_DC, CHROMA_QUANT, LUMA_AC, LUMA_DC, LUMA_QUANT, ZIGZAG, scaledQuantTable, type HuffmanSpec } from './jpeg-tables.js';

export interface RgbaImage {
  data: Uint8Array;
  width: number;
  height: number;
}

interface HuffmanCodes {
  codes: Uint16Array;
  lengths: Uint8Array;
}

function huffmanCodes(spec: HuffmanSpec): HuffmanCodes {
  const codes = new Uint16Array(256);
  const lengths = new Uint8Array(256);
  let code = 0;
  let k = 0;
  for (let length = 1; length <= 16; length++) {
    for (let i = 0; i < spec.counts[length - 1]!; i++) {
      const symbol = spec.symbols[k++]!;
      codes[symbol] = code++;
      lengths[symbol] = length;
    }
    code <<= 1;
  }
  return { codes, lengths };
}

const CODES = { lumaDc: huffmanCodes(LUMA_DC), lumaAc: huffmanCodes(LUMA_AC), chromaDc: huffmanCodes(CHROMA_DC), chromaAc: huffmanCodes(CHROMA_AC) };

// Orthonormal 8-point DCT-II basis: basis[u * 8 + x] = c(u)/2 · cos((2x + 1)uπ/16), the standard's FDCT.
const BASIS = Float64Array.from({ length: 64 }, (_, i) => {
  const u = Math.floor(i / 8);
  const x = i % 8;
  return ((u === 0 ? Math.SQRT1_2 : 1) / 2) * Math.cos(((2 * x + 1) * u * Math.PI) / 16);
});

/** Entropy-coded segment writer: MSB-first bits, 0xFF bytes stuffed with 0x00. */
class BitWriter {
  readonly bytes: number[] = [];
  private buffer = 0;
  private count = 0;

  put(value: number, length: number): void {
    this.buffer = (this.buffer << length) | (value & ((1 << length) - 1));
    this.count += length;
    while (this.count >= 8) {
      const byte = (this.buffer >> (this.count - 8)) & 0xff;
      this.bytes.push(byte);
      if (byte === 0xff) this.bytes.push(0);
      this.count -= 8;
      this.buffer &= (1 << this.count) - 1;
    }
  }

  /** Pads the last byte with 1 bits, as the standard asks. */
  flush(): void {
    if (this.count > 0) this.put(0x7f, 8 - this.count);
  }
}

/** Bits needed for |value| (the JPEG "category"). */
const category = (value: number): number => (value === 0 ? 0 : 32 - Math.clz32(Math.abs(value)));

/** FDCT, quantisation (rounded to nearest, as libjpeg) and Huffman coding of one 8×8 block; returns its DC. */
function encodeBlock(block: Float64Array, quant: Uint8Array, previousDc: number, dc: HuffmanCodes, ac: HuffmanCodes, out: BitWriter): number {
  const rows = new Float64Array(64);
  for (let y = 0; y < 8; y++) {
    for (let u = 0; u < 8; u++) {
      let sum = 0;
      for (let x = 0; x < 8; x++) sum += BASIS[u * 8 + x]! * block[y * 8 + x]!;
      rows[y * 8 + u] = sum;
    }
  }
  const quantised = new Int32Array(64);
  for (let v = 0; v < 8; v++) {
    for (let u = 0; u < 8; u++) {
      let sum = 0;
      for (let y = 0; y < 8; y++) sum += BASIS[v * 8 + y]! * rows[y * 8 + u]!;
      const scaled = sum / quant[v * 8 + u]!;
      quantised[v * 8 + u] = Math.sign(scaled) * Math.floor(Math.abs(scaled) + 0.5);
    }
  }
  const dcValue = quantised[0]!;
  const diff = dcValue - previousDc;
  const dcSize = category(diff);
  out.put(dc.codes[dcSize]!, dc.lengths[dcSize]!);
  if (dcSize > 0) out.put(diff < 0 ? diff - 1 : diff, dcSize);
  let run = 0;
  for (let k = 1; k < 64; k++) {
    const value = quantised[ZIGZAG[k]!]!;
    if (value === 0) {
      run++;
      continue;
    }
    for (; run > 15; run -= 16) out.put(ac.codes[0xf0]!, ac.lengths[0xf0]!);
    const size = category(value);
    const symbol = (run << 4) | size;
    out.put(ac.codes[symbol]!, ac.lengths[symbol]!);
    out.put(value < 0 ? value - 1 : value, size);
    run = 0;
  }
  if (run > 0) out.put(ac.codes[0]!, ac.lengths[0]!);
  return dcValue;
}

function segment(bytes: number[], marker: number, body: number[]): void {
  bytes.push(0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body);
}

function huffmanSegmentBody(tableClass: number, id: number, spec: HuffmanSpec): number[] {
  return [(tableClass << 4) | id, ...spec.counts, ...spec.symbols];
}

/**
 * Baseline JFIF bytes of an RGBA image (alpha ignored) at `quality` (1…100): JFIF YCbCr, Cb and Cr
 * averaged over 2×2 pixels (libjpeg's alternating 1, 2 rounding bias), edges replicated to whole
 * 16×16 MCUs, libjpeg's quality scaling of the Annex K tables, the typical Huffman tables.
 */
export function encodeJpeg420(image: RgbaImage, quality: number): Uint8Array {
  const { data, width, height } = image;
  const mcuColumns = Math.ceil(width / 16);
  const mcuRows = Math.ceil(height / 16);
  const paddedWidth = mcuColumns * 16;
  const paddedHeight = mcuRows * 16;
  const luma = new Float64Array(paddedWidth * paddedHeight);
  const cb = new Float64Array(luma.length);
  const cr = new Float64Array(luma.length);
  for (let y = 0; y < paddedHeight; y++) {
    for (let x = 0; x < paddedWidth; x++) {
      const p = 4 * (Math.min(y, height - 1) * width + Math.min(x, width - 1));
      const r = data[p]!;
      const g = data[p + 1]!;
      const b = data[p + 2]!;
      const i = y * paddedWidth + x;
      luma[i] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
      cb[i] = Math.round(-0.168736 * r - 0.331264 * g + 0.5 * b + 128);
      cr[i] = Math.round(0.5 * r - 0.418688 * g - 0.081312 * b + 128);
    }
  }
  const halfWidth = paddedWidth / 2;
  const downsample = (plane: Float64Array): Float64Array => {
    const out = new Float64Array(halfWidth * (paddedHeight / 2));
    for (let y = 0; y < paddedHeight / 2; y++) {
      for (let x = 0; x < halfWidth; x++) {
        const i = 2 * y * paddedWidth + 2 * x;
        const sum = plane[i]! + plane[i + 1]! + plane[i + paddedWidth]! + plane[i + paddedWidth + 1]!;
        out[y * halfWidth + x] = (sum + (x % 2 === 0 ? 1 : 2)) >> 2;
      }
    }
    return out;
  };
  const cbHalf = downsample(cb);
  const crHalf = downsample(cr);
  const lumaQuant = scaledQuantTable(LUMA_QUANT, quality);
  const chromaQuant = scaledQuantTable(CHROMA_QUANT, quality);
  const block = new Float64Array(64);
  const load = (plane: Float64Array, stride: number, top: number, left: number): Float64Array => {
    for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) block[y * 8 + x] = plane[(top + y) * stride + left + x]! - 128;
    return block;
  };
  const bits = new BitWriter();
  let dcY = 0;
  let dcCb = 0;
  let dcCr = 0;
  for (let my = 0; my < mcuRows; my++) {
    for (let mx = 0; mx < mcuColumns; mx++) {
      for (const [dy, dx] of [[0, 0], [0, 8], [8, 0], [8, 8]] as const) {
        dcY = encodeBlock(load(luma, paddedWidth, 16 * my + dy, 16 * mx + dx), lumaQuant, dcY, CODES.lumaDc, CODES.lumaAc, bits);
      }
      dcCb = encodeBlock(load(cbHalf, halfWidth, 8 * my, 8 * mx), chromaQuant, dcCb, CODES.chromaDc, CODES.chromaAc, bits);
      dcCr = encodeBlock(load(crHalf, halfWidth, 8 * my, 8 * mx), chromaQuant, dcCr, CODES.chromaDc, CODES.chromaAc, bits);
    }
  }
  bits.flush();
  const bytes: number[] = [0xff, 0xd8];
  segment(bytes, 0xe0, [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  segment(bytes, 0xdb, [0, ...ZIGZAG.map((i) => lumaQuant[i]!), 1, ...ZIGZAG.map((i) => chromaQuant[i]!)]);
  segment(bytes, 0xc0, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
  segment(bytes, 0xc4, [...huffmanSegmentBody(0, 0, LUMA_DC), ...huffmanSegmentBody(1, 0, LUMA_AC), ...huffmanSegmentBody(0, 1, CHROMA_DC), ...huffmanSegmentBody(1, 1, CHROMA_AC)]);
  segment(bytes, 0xda, [3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0]);
  const out = new Uint8Array(bytes.length + bits.bytes.length + 2);
  out.set(bytes);
  out.set(bits.bytes, bytes.length);
  out.set([0xff, 0xd9], bytes.length + bits.bytes.length);
  return out;
}
