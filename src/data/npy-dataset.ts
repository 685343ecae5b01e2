/** User data as a pair of .npy files: uint8 images (N,H,W) or (N,H,W,C), integer labels (N,). */
import { DataFormatError } from './errors.js';
import { asLabels, formatShape, readNpy } from './npy.js';
import type { LabelledImages } from './types.js';

/**
 * Loads images + labels saved with NumPy. Labels may be any integer dtype (int64 from Python is
 * fine); numClasses defaults to the largest label + 1.
 */
export function loadNpyDataset(imagesPath: string, labelsPath: string, numClasses?: number): LabelledImages {
  const images = readNpy(imagesPath);
  if (images.dtype !== 'uint8') {
    throw new DataFormatError(imagesPath, `dtype ${images.dtype}, expected uint8 pixels 0..255 (use arr.astype(np.uint8))`);
  }
  if (images.shape.length !== 3 && images.shape.length !== 4) {
    throw new DataFormatError(imagesPath, `shape ${formatShape(images.shape)}, expected (N, H, W) or (N, H, W, C) with channels last`);
  }
  const [count, height, width, channels = 1] = images.shape;
  const labelsArray = readNpy(labelsPath);
  if (labelsArray.shape.length !== 1 || labelsArray.shape[0] !== count) {
    throw new DataFormatError(labelsPath, `shape ${formatShape(labelsArray.shape)}, expected (${count},) to match ${imagesPath}`);
  }
  if (labelsArray.dtype.startsWith('float')) {
    throw new DataFormatError(labelsPath, `dtype ${labelsArray.dtype}, expected an integer dtype for class labels`);
  }
  let classes = numClasses;
  if (classes === undefined) {
    let largest = 0;
    for (const value of labelsArray.data) largest = Math.max(largest, Number(value));
    classes = Math.min(largest + 1, 256);
  }
  const labels = asLabels(labelsArray, classes, labelsPath);
  return { images: images.data as Uint8Array, labels, count, height, width, channels };
}
