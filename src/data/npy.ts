/**
 * NumPy `.npy` reader and writer (format versions 1.0, 2.0 and 3.0), little-endian, C order.
 *
 * 64-bit integers are kept exact: int64 / uint64 data come back as BigInt64Array /
 * BigUint64Array (labels saved from Python are usually int64). `asLabels` and `asFloat32` turn
 * any supported array into the small types the rest of nes uses. Booleans are a Uint8Array of 0/1.
 */
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../util/atomic-write.js';
import { DataFormatError } from './errors.js';

export { DataFormatError } from './errors.js';

export type NpyDtype =
  | 'uint8'
  | 'int8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'float32'
  | 'float64'
  | 'bool';

export type NpyTypedArray =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | Float32Array
  | Float64Array;

export interface NpyArray {
  dtype: NpyDtype;
  /** Row-major (C order) dimensions; [] for a scalar. */
  shape: number[];
  /** Flat data, length = product of shape (1 for a scalar). */
  data: NpyTypedArray;
}

interface DtypeInfo {
  /** NumPy descr written to the header. */
  descr: string;
  bytes: number;
  make: (buffer: ArrayBuffer, length: number) => NpyTypedArray;
  matches: (data: NpyTypedArray) => boolean;
}

const DTYPES: Record<NpyDtype, DtypeInfo> = {
  uint8: { descr: '|u1', bytes: 1, make: (b, n) => new Uint8Array(b, 0, n), matches: (d) => d instanceof Uint8Array },
  bool: { descr: '|b1', bytes: 1, make: (b, n) => new Uint8Array(b, 0, n), matches: (d) => d instanceof Uint8Array },
  int8: { descr: '|i1', bytes: 1, make: (b, n) => new Int8Array(b, 0, n), matches: (d) => d instanceof Int8Array },
  int16: { descr: '<i2', bytes: 2, make: (b, n) => new Int16Array(b, 0, n), matches: (d) => d instanceof Int16Array },
  uint16: { descr: '<u2', bytes: 2, make: (b, n) => new Uint16Array(b, 0, n), matches: (d) => d instanceof Uint16Array },
  int32: { descr: '<i4', bytes: 4, make: (b, n) => new Int32Array(b, 0, n), matches: (d) => d instanceof Int32Array },
  uint32: { descr: '<u4', bytes: 4, make: (b, n) => new Uint32Array(b, 0, n), matches: (d) => d instanceof Uint32Array },
  int64: { descr: '<i8', bytes: 8, make: (b, n) => new BigInt64Array(b, 0, n), matches: (d) => d instanceof BigInt64Array },
  uint64: { descr: '<u8', bytes: 8, make: (b, n) => new BigUint64Array(b, 0, n), matches: (d) => d instanceof BigUint64Array },
  float32: { descr: '<f4', bytes: 4, make: (b, n) => new Float32Array(b, 0, n), matches: (d) => d instanceof Float32Array },
  float64: { descr: '<f8', bytes: 8, make: (b, n) => new Float64Array(b, 0, n), matches: (d) => d instanceof Float64Array },
};

/** Kind letter + size, e.g. "f4", to dtype; the byte-order character is checked separately. */
const DTYPE_BY_KIND_SIZE = new Map<string, NpyDtype>(
  (Object.keys(DTYPES) as NpyDtype[]).map((dtype) => [DTYPES[dtype].descr.slice(1), dtype]),
);

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const SUPPORTED_DESCRS = '|u1, |i1, <i2, <u2, <i4, <u4, <i8, <u8, <f4, <f8, |b1';

/** Number of elements for a shape ([] is a scalar: 1 element). */
export function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, dim) => product * dim, 1);
}

export function formatShape(shape: readonly (number | null)[]): string {
  const dims = shape.map((dim) => (dim === null ? '*' : String(dim)));
  return dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
}

export function readNpy(path: string): NpyArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new DataFormatError(path, `cannot read file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  return parseNpy(bytes, path);
}

export function parseNpy(buf: Uint8Array, source = '<npy buffer>'): NpyArray {
  const fail = (problem: string): never => {
    throw new DataFormatError(source, problem);
  };
  const { dtype, shape, dataStart, dataBytes: expectedBytes } = parseNpyHeader(buf, source);
  const actualBytes = buf.length - dataStart;
  if (actualBytes !== expectedBytes) {
    const problem = actualBytes < expectedBytes ? 'truncated data' : 'trailing bytes after data';
    fail(`${problem}: expected ${expectedBytes} bytes for ${dtype} ${formatShape(shape)}, got ${actualBytes}`);
  }
  const length = elementCount(shape);
  // Copy into a fresh buffer: the data offset is not necessarily aligned for the typed array.
  const copy = new ArrayBuffer(expectedBytes);
  new Uint8Array(copy).set(buf.subarray(dataStart, dataStart + expectedBytes));
  const data = DTYPES[dtype].make(copy, length);
  if (dtype === 'bool' && (data as Uint8Array).some((value) => value > 1)) {
    fail('bool array holds bytes other than 0 and 1');
  }
  return { dtype, shape, data };
}

/** What the header of a .npy file says; the data is `dataBytes` bytes from byte `dataStart` on. */
export interface NpyHeader {
  dtype: NpyDtype;
  shape: number[];
  dataStart: number;
  dataBytes: number;
}

/** Parses the header at the start of `buf` (which may hold the header only). */
export function parseNpyHeader(buf: Uint8Array, source = '<npy buffer>'): NpyHeader {
  const fail = (problem: string): never => {
    throw new DataFormatError(source, problem);
  };
  if (buf.length < 10 || MAGIC.some((byte, i) => buf[i] !== byte)) {
    fail('not a .npy file: bad magic (expected the bytes "\\x93NUMPY" at the start)');
  }
  const major = buf[6];
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let headerStart: number;
  let headerLength: number;
  if (major === 1) {
    headerStart = 10;
    headerLength = view.getUint16(8, true);
  } else if (major === 2 || major === 3) {
    if (buf.length < 12) fail(`truncated header: expected at least 12 bytes, got ${buf.length}`);
    headerStart = 12;
    headerLength = view.getUint32(8, true);
  } else {
    return fail(`unsupported .npy format version ${major}.${buf[7]} (expected 1.0, 2.0 or 3.0)`);
  }
  const dataStart = headerStart + headerLength;
  if (buf.length < dataStart) {
    fail(`truncated header: expected ${dataStart} bytes, got ${buf.length}`);
  }
  // Version 3.0 allows utf8 in the header; ascii/latin1 headers decode the same way.
  const header = new TextDecoder('utf-8').decode(buf.subarray(headerStart, dataStart));
  const { dtype, shape } = parseHeader(header, fail);
  return { dtype, shape, dataStart, dataBytes: elementCount(shape) * DTYPES[dtype].bytes };
}

function parseHeader(header: string, fail: (problem: string) => never): { dtype: NpyDtype; shape: number[] } {
  const descrMatch = /'descr'\s*:\s*'([^']*)'/.exec(header);
  if (!descrMatch) {
    if (/'descr'\s*:\s*\[/.test(header)) fail(`unsupported structured dtype (expected one of ${SUPPORTED_DESCRS})`);
    fail(`header has no 'descr' entry: ${header.trim()}`);
  }
  const descr = descrMatch![1];
  const fortranMatch = /'fortran_order'\s*:\s*(True|False)/.exec(header);
  if (!fortranMatch) fail(`header has no 'fortran_order' entry: ${header.trim()}`);
  if (fortranMatch![1] === 'True') {
    fail('fortran_order is True (expected C order: save with np.ascontiguousarray)');
  }
  const shapeMatch = /'shape'\s*:\s*\(([^)]*)\)/.exec(header);
  if (!shapeMatch) fail(`header has no 'shape' tuple: ${header.trim()}`);
  const shape = shapeMatch![1]
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => {
      // Python 2 era files may write longs as "3L".
      const dim = Number(part.replace(/L$/, ''));
      if (!Number.isSafeInteger(dim) || dim < 0) fail(`bad shape entry '${part}' in header`);
      return dim;
    });
  return { dtype: dtypeFromDescr(descr, fail), shape };
}

function dtypeFromDescr(descr: string, fail: (problem: string) => never): NpyDtype {
  const byteOrder = descr[0];
  const kindSize = descr.slice(1);
  const dtype = DTYPE_BY_KIND_SIZE.get(kindSize);
  if (dtype === undefined || !['<', '>', '|', '='].includes(byteOrder)) {
    return fail(`unsupported dtype '${descr}' (expected one of ${SUPPORTED_DESCRS})`);
  }
  const multiByte = DTYPES[dtype].bytes > 1;
  if (multiByte && byteOrder === '>') {
    fail(`big-endian dtype '${descr}' (expected little-endian '<${kindSize}': use arr.astype('<${kindSize}'))`);
  }
  if (multiByte && byteOrder === '|') fail(`dtype '${descr}' has no byte order (expected '<${kindSize}')`);
  return dtype;
}

export function encodeNpy(array: NpyArray): Uint8Array {
  const info = DTYPES[array.dtype];
  const source = `<npy ${array.dtype} ${formatShape(array.shape)}>`;
  if (!info) throw new DataFormatError(source, `unsupported dtype '${array.dtype}'`);
  if (!info.matches(array.data)) {
    throw new DataFormatError(source, `data is a ${array.data.constructor.name}, which does not match dtype ${array.dtype}`);
  }
  for (const dim of array.shape) {
    if (!Number.isSafeInteger(dim) || dim < 0) throw new DataFormatError(source, `bad shape entry ${dim}`);
  }
  const length = elementCount(array.shape);
  if (array.data.length !== length) {
    throw new DataFormatError(source, `data has ${array.data.length} elements, shape needs ${length}`);
  }
  if (array.dtype === 'bool' && (array.data as Uint8Array).some((value) => value > 1)) {
    throw new DataFormatError(source, 'bool data holds values other than 0 and 1');
  }
  const dict = `{'descr': '${info.descr}', 'fortran_order': False, 'shape': ${formatShape(array.shape)}, }`;
  // Pad with spaces so the data starts on a 64-byte boundary, then end the header with '\n'.
  const fitsVersion1 = 10 + dict.length + 1 <= 0xffff;
  const prefixLength = fitsVersion1 ? 10 : 12;
  const unpadded = prefixLength + dict.length + 1;
  const headerText = dict + ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const header = new TextEncoder().encode(headerText);

  const dataBytes = new Uint8Array(array.data.buffer, array.data.byteOffset, length * info.bytes);
  const out = new Uint8Array(prefixLength + header.length + dataBytes.length);
  out.set(MAGIC, 0);
  out[6] = fitsVersion1 ? 1 : 2;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (fitsVersion1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  out.set(header, prefixLength);
  out.set(dataBytes, prefixLength + header.length);
  return out;
}

export function writeNpy(path: string, array: NpyArray): void {
  writeFileAtomic(path, encodeNpy(array));
}

/** Throws unless arr.shape matches the pattern (null = any size), e.g. [null, 28, 28]. */
export function expectShape(arr: NpyArray, pattern: (number | null)[], what: string): void {
  const matches =
    arr.shape.length === pattern.length && pattern.every((dim, i) => dim === null || dim === arr.shape[i]);
  if (!matches) {
    throw new DataFormatError(what, `shape ${formatShape(arr.shape)}, expected ${formatShape(pattern)}`);
  }
}

/** The data as float32 (a copy unless it already is float32); 64-bit integers go through Number. */
export function asFloat32(arr: NpyArray): Float32Array {
  if (arr.data instanceof Float32Array) return arr.data;
  const out = new Float32Array(arr.data.length);
  for (let i = 0; i < arr.data.length; i++) out[i] = Number(arr.data[i]);
  return out;
}

/**
 * Class labels as a Uint8Array, checking every value is an integer in [0, numClasses).
 * Accepts any integer, bool or float dtype (floats must hold whole numbers).
 */
export function asLabels(arr: NpyArray, numClasses: number, source = `<${arr.dtype} labels>`): Uint8Array {
  if (!Number.isInteger(numClasses) || numClasses < 1 || numClasses > 256) {
    throw new DataFormatError(source, `numClasses ${numClasses} is not an integer in [1, 256]`);
  }
  const labels = new Uint8Array(arr.data.length);
  for (let i = 0; i < arr.data.length; i++) {
    const value = Number(arr.data[i]);
    if (!Number.isInteger(value)) {
      throw new DataFormatError(source, `label at index ${i} is ${arr.data[i]}, expected an integer`);
    }
    if (value < 0) {
      throw new DataFormatError(source, `label at index ${i} is ${value}; labels are class indices 0, 1, 2, … (no negative values)`);
    }
    if (value >= numClasses) {
      throw new DataFormatError(source, `label at index ${i} is ${value}, expected a class in [0, ${numClasses})`);
    }
    labels[i] = value;
  }
  return labels;
}
