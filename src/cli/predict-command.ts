import { DataFormatError } from '../data/errors.js';
import { asFloat32, formatShape, readNpy, writeNpy, type NpyArray } from '../data/npy.js';
import type { EnsemblePrediction } from '../export/uncertainty.js';
import { checkPixelRange, pixelRange } from '../export/pixel-range.js';
import { loadEnsemble } from '../export/load-ensemble.js';
import { ENGINE_NAMES, initEngine, isEngineChoice } from '../train/engine.js';
import { intFlag, parseFlags, requireFlag } from './args.js';
import { UsageError } from './usage-error.js';

export const predictHelp = `Usage: nes predict --model DIR --input X.npy --out P.npy [--members M.npy] [--uncertainty U.npy] [--json]
                   [--backend ENGINE] [--batch-size B]

Predicts with an exported ensemble (see "nes export"). X holds raw images, pixel values 0..255
(uint8, or any integer or float dtype: float64 and int64 as NumPy writes them are converted), shape
(N, H, W) or (N, H, W, C) matching the ensemble's input. Images scaled to 0..1, normalised images
(negative values) and values above 255 are refused. Writes the
ensemble's mean class probabilities, float32 (N, C), to P.

  --model DIR        exported ensemble folder (with ensemble.json)
  --input X.npy      images
  --out P.npy        where to write the probabilities
  --members M.npy    also each member's probabilities, float32 (K, N, C), K members in the order
                     of ensemble.json (their weights are there)
  --uncertainty U.npy
                     also float32 (N, 3), in nats: column 0 the predictive entropy H[mean p],
                     column 1 the expected member entropy sum_k w_k H[p_k] (aleatoric), column 2
                     the mutual information, their difference (epistemic: 0 when members agree)
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
    members: { type: 'string' },
    uncertainty: { type: 'string' },
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
    if (flags.members !== undefined) writeNpy(flags.members, memberArray(prediction));
    if (flags.uncertainty !== undefined) writeNpy(flags.uncertainty, uncertaintyArray(prediction));
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
          ...(flags.members !== undefined ? { members: flags.members } : {}),
          ...(flags.uncertainty !== undefined ? { uncertainty: flags.uncertainty } : {}),
        }),
      );
    } else {
      console.log(`wrote ${count} predictions (${classNames.length} classes) to ${outPath}`);
      if (flags.members !== undefined) console.log(`wrote the ${prediction.memberProbs.length} members' probabilities (${prediction.memberProbs.length}, ${count}, ${classNames.length}) to ${flags.members}`);
      if (flags.uncertainty !== undefined) console.log(`wrote entropy, expected member entropy and mutual information (${count}, 3) to ${flags.uncertainty}`);
    }
    return 0;
  } finally {
    ensemble.dispose();
  }
}

/** The members' probabilities stacked: (K, N, C), row-major as NumPy reads it. */
function memberArray(prediction: EnsemblePrediction): NpyArray {
  const { memberProbs, count, numClasses } = prediction;
  const data = new Float32Array(memberProbs.length * count * numClasses);
  memberProbs.forEach((probs, k) => data.set(probs, k * count * numClasses));
  return { dtype: 'float32', shape: [memberProbs.length, count, numClasses], data };
}

/** (N, 3): predictive entropy, expected member entropy, mutual information (the first minus the second, floored at 0). */
function uncertaintyArray(prediction: EnsemblePrediction): NpyArray {
  const { count, entropy, mutualInformation } = prediction;
  const data = new Float32Array(count * 3);
  for (let i = 0; i < count; i++) {
    data[3 * i] = entropy[i]!;
    data[3 * i + 1] = entropy[i]! - mutualInformation[i]!;
    data[3 * i + 2] = mutualInformation[i]!;
  }
  return { dtype: 'float32', shape: [count, 3], data };
}

function mean(values: Float32Array): number {
  if (values.length === 0) return 0;
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}
