import { asFloat32, asLabels, readNpy, formatShape } from '../data/npy.js';
import { DataFormatError } from '../data/errors.js';

/** Row sums may drift from 1 by float32 rounding of a softmax; anything further is not a distribution. */
const ROW_SUM_TOLERANCE = 1e-3;
const SOFTMAX_HINT = 'if these are logits, apply a softmax over the class axis first (NumPy: e = np.exp(x - x.max(-1, keepdims=True)); p = e / e.sum(-1, keepdims=True))';

/**
 * Predictions from a .npy file: (N, C) → one member, (K, N, C) → K members (`pool`: only the
 * latter). Every row must be a probability distribution: values in [0, 1] summing to 1.
 */
export function readProbabilities(path: string, options: { pool?: boolean } = {}): { members: Float32Array[]; count: number; classes: number } {
  const array = readNpy(path);
  if (array.dtype !== 'float32' && array.dtype !== 'float64') {
    throw new DataFormatError(path, `dtype ${array.dtype}, expected float32 or float64 probabilities`);
  }
  if (options.pool && array.shape.length === 2) {
    throw new DataFormatError(
      path,
      `shape ${formatShape(array.shape)} is one model's predictions; a pool is (K, N, C), K members' probabilities (NumPy: np.stack([p1, p2, ...]))`,
    );
  }
  if (array.shape.length !== 2 && array.shape.length !== 3) {
    throw new DataFormatError(path, `shape ${formatShape(array.shape)}, expected ${options.pool ? '(K, N, C)' : '(N, C) or (K, N, C)'}`);
  }
  const [count, classes] = array.shape.slice(-2) as [number, number];
  const memberCount = array.shape.length === 3 ? array.shape[0]! : 1;
  const data = asFloat32(array);
  for (let i = 0; i < data.length; i++) {
    const p = data[i]!;
    if (!(p >= 0 && p <= 1)) {
      throw new DataFormatError(path, `value ${p} at flat index ${i} is not a probability in [0, 1]; ${SOFTMAX_HINT}`);
    }
  }
  for (let row = 0; row < memberCount * count; row++) {
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += data[row * classes + c]!;
    if (Math.abs(sum - 1) > ROW_SUM_TOLERANCE) {
      const where = memberCount > 1 ? `member ${Math.floor(row / count)}, row ${row % count}` : `row ${row}`;
      throw new DataFormatError(path, `${where} sums to ${sum.toPrecision(6)}, not 1: rows must be probability distributions; ${SOFTMAX_HINT}`);
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
