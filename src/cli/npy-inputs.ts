import { asFloat32, asLabels, readNpy, formatShape } from '../data/npy.js';
import { DataFormatError } from '../data/errors.js';

/** Predictions from a .npy file: (N,C) → one member, (K,N,C) → K members; rows must be probabilities. */
export function readProbabilities(path: string): { members: Float32Array[]; count: number; classes: number } {
  const array = readNpy(path);
  if (array.dtype !== 'float32' && array.dtype !== 'float64') {
    throw new DataFormatError(path, `dtype ${array.dtype}, expected float32 or float64 probabilities`);
  }
  if (array.shape.length !== 2 && array.shape.length !== 3) {
    throw new DataFormatError(path, `shape ${formatShape(array.shape)}, expected (N, C) or (K, N, C)`);
  }
  const [count, classes] = array.shape.slice(-2) as [number, number];
  const memberCount = array.shape.length === 3 ? array.shape[0]! : 1;
  const data = asFloat32(array);
  for (let i = 0; i < data.length; i++) {
    const p = data[i]!;
    if (!(p >= 0 && p <= 1)) {
      throw new DataFormatError(path, `value ${p} at flat index ${i} is not a probability in [0, 1]`);
    }
  }
  const stride = count * classes;
  const members = Array.from({ length: memberCount }, (_, k) => data.subarray(k * stride, (k + 1) * stride));
  return { members, count, classes };
}

/** Labels from a .npy file: shape (N,), integers in [0, classes). */
export function readLabels(path: string, count: number, classes: number): Uint8Array {
  const array = readNpy(path);
  if (array.shape.length !== 1 || array.shape[0] !== count) {
    throw new DataFormatError(path, `shape ${formatShape(array.shape)}, expected (${count},) to match the predictions`);
  }
  return asLabels(array, classes, path);
}
