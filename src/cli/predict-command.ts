import { DataFormatError } from '../data/errors.js';
import { asFloat32, formatShape, readNpy, writeNpy } from '../data/npy.js';
import { checkPixelRange, pixelRange } from '../export/pixel-range.js';
import { loadEnsemble } from '../export/load-ensemble.js';
import { ENGINE_NAMES, initEngine, isEngineChoice } from '../train/engine.js';
import { intFlag, parseFlags, requireFlag } from './args.js';
import { UsageError } from './usage-error.js';

export const predictHelp = `Usage: nes predict --model DIR --input X.npy --out P.npy [--json] [--backend ENGINE] [--batch-size B]

Predicts with an exported ensemble (see "nes export"). X holds raw images, pixel values 0..255
(uint8, or any integer or float dtype: float64 and int64 as NumPy writes them are converted), shape
(N, H, W) or (N, H, W, C) matching the ensemble's input. Images scaled to 0..1, normalised images
(negative values) and values above 255 are refused. Writes the
ensemble's mean class probabilities, float32 (N, C), to P.

  --model DIR        exported ensemble folder (with ensemble.json)
  --input X.npy      images
  --out P.npy        where to write the probabilities
  --json             print a JSON summary: count, class histogram of the predicted classes,
                     mean predictive entropy and mean mutual information (nats)
  --backend ENGINE   auto, ${ENGINE_NAMES.join(', ')} (default: $NES_ENGINE or auto)
  --batch-size B     images per forward pass on tfjs engines (default 256; on wasm the compiled
                     network predicts min(B, 8) at a time)`;

export async function predictCommand(args: string[]): Promise<number> {
  const flags = parseFlags('predict', args, {
    model: { type: 'string' },
    input: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
    backend: { type: 'string' },
    'batch-size': { type: 'string' },
  });
  if (flags.help) {
    console.log(predictHelp);
    return 0;
  }
  const modelDir = requireFlag('predict', flags, 'model');
  const inputPath = requireFlag('predict', flags, 'input');
  const outPath = requireFlag('predict', flags, 'out');
  const batchSize = intFlag('predict', 'batch-size', flags['batch-size']);
  const backend = flags.backend;
  if (backend !== undefined && !isEngineChoice(backend)) {
    throw new UsageError(`nes predict: --backend "${backend}" is not known; use auto, ${ENGINE_NAMES.join(', ')}`);
  }
  try {
    await initEngine(backend);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }

  const ensemble = await loadEnsemble(modelDir, { batchSize });
  try {
    const [height, width, channels] = ensemble.manifest.input.shape;
    const input = readNpy(inputPath);
    const shapeOk =
      (input.shape.length === 3 && channels === 1) || (input.shape.length === 4 && input.shape[3] === channels);
    if (!shapeOk || input.shape[1] !== height || input.shape[2] !== width) {
      const expected = channels === 1 ? `(N, ${height}, ${width}) or (N, ${height}, ${width}, 1)` : `(N, ${height}, ${width}, ${channels})`;
      throw new DataFormatError(inputPath, `shape ${formatShape(input.shape)}, expected ${expected} for this ensemble`);
    }
    if (input.dtype === 'bool') throw new DataFormatError(inputPath, 'dtype bool, expected pixel values 0..255 (uint8, or any integer or float dtype)');
    // NumPy's defaults (float64, int64) and other numeric dtypes are converted; the range is checked either way.
    let pixels: Uint8Array | Float32Array = input.data instanceof Uint8Array && input.dtype === 'uint8' ? input.data : asFloat32(input);
    if (!(pixels instanceof Uint8Array)) {
      const integer = !input.dtype.startsWith('float');
      try {
        checkPixelRange(pixelRange(pixels), inputPath, integer);
      } catch (error) {
        throw new DataFormatError(inputPath, (error as Error).message.replace(`${inputPath}: `, ''));
      }
      // Integer pixels in 0..255 are uint8 pixels: a dark int64 image is not "scaled to 0..1".
      if (integer) pixels = Uint8Array.from(pixels);
    }
    const count = input.shape[0]!;
    const prediction = await ensemble.predict(pixels, count);
    const classNames = ensemble.manifest.classNames;
    writeNpy(outPath, { dtype: 'float32', shape: [count, classNames.length], data: prediction.meanProbs });
    if (flags.json) {
      const histogram = Object.fromEntries(classNames.map((name) => [name, 0]));
      for (const predicted of prediction.predictedClass) histogram[classNames[predicted]!]!++;
      console.log(
        JSON.stringify({
          count,
          out: outPath,
          classHistogram: histogram,
          meanEntropy: mean(prediction.entropy),
          meanMutualInformation: mean(prediction.mutualInformation),
        }),
      );
    } else {
      console.log(`wrote ${count} predictions (${classNames.length} classes) to ${outPath}`);
    }
    return 0;
  } finally {
    ensemble.dispose();
  }
}

function mean(values: Float32Array): number {
  if (values.length === 0) return 0;
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}
