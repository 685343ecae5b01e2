/**
 * Exported-ensemble inference throughput (images/s): `npm run bench -- predict [--members 3]
 * [--images 1024] [--batch 256] [--input uint8,float32,tensor] [--rounds 3]`.
 *
 * Writes an ensemble folder as `nes export` does (members/<i>/ tfjs layers models of the reference
 * DARTS-V2 network, 5 cells, 8 channels, 28×28×1 inputs, 10 classes, untrained weights; an
 * ensemble.json), then times `loadEnsemble(dir, { engine: 'wasm' }).predict(images)` on random
 * raw pixels, two ways in one process:
 * - compiled: predict as it runs for users (on wasm, the compiled network predictProbs uses);
 * - tfjs: the tfjs path (model.predict on tfjs-backend-wasm, what predict ran before it went through
 *   predictProbs), forced by holding the compiled kernels' memory with another network, as a
 *   prediction made from a training hook runs.
 * Per input kind, rounds alternate the two paths (after one warm-up round, excluded: compilation,
 * heap growth), so that other load on the machine hits both alike. One JSON line per measurement
 * (wall-clock and CPU-time images/s), then a summary line: median images/s per path and input,
 * and the ratios compiled / tfjs (of wall-clock and of CPU time, the steadier one on a busy machine).
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { RawImages } from '../src/export/raw-images.js';
import { loadEnsemble } from '../src/export/load-ensemble.js';
import { MANIFEST_FILE, MANIFEST_FORMAT, MANIFEST_FORMAT_VERSION, type ExportedManifest } from '../src/export/manifest.js';
import { resolveConfig } from '../src/run/config.js';
import { genotypeId } from '../src/space/id.js';
import { loadNamedGenotype } from '../src/space/named.js';
import { CompiledNetwork } from '../src/train/compiled/network.js';
import { initEngine } from '../src/train/engine.js';
import { buildModel } from '../src/train/model.js';
import { saveLayersModel } from '../src/train/model-io.js';
import { NES_VERSION } from '../src/version.js';
import { createRng } from '../src/util/rng.js';

const INPUT_SHAPE: [number, number, number] = [28, 28, 1];
const MACRO = { cells: 5, channels: 8, stemMultiplier: 3 };
const CLASS_NAMES = Array.from({ length: 10 }, (_, c) => `class ${c}`);
const INPUT_KINDS = ['uint8', 'float32', 'tensor'] as const;
type InputKind = (typeof INPUT_KINDS)[number];

interface Options {
  members: number;
  images: number;
  batch: number;
  inputs: InputKind[];
  rounds: number;
}

const PATHS = ['tfjs', 'compiled'] as const;
type Path = (typeof PATHS)[number];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

class UsageError extends Error {}

function parseArgs(args: string[]): Options {
  const value = (flag: string, fallback: string): string => {
    const at = args.indexOf(flag);
    return at >= 0 && args[at + 1] !== undefined ? args[at + 1]! : fallback;
  };
  const options: Options = {
    members: Number(value('--members', '3')),
    images: Number(value('--images', '1024')),
    batch: Number(value('--batch', '256')),
    inputs: value('--input', 'uint8').split(',') as InputKind[],
    rounds: Number(value('--rounds', '3')),
  };
  for (const flag of ['members', 'images', 'batch', 'rounds'] as const) {
    if (!Number.isInteger(options[flag]) || options[flag] < 1) throw new UsageError(`--${flag} must be a positive integer, got ${options[flag]}`);
  }
  for (const input of options.inputs) if (!INPUT_KINDS.includes(input)) throw new UsageError(`unknown --input "${input}" (${INPUT_KINDS.join(', ')})`);
  return options;
}

/** An ensemble folder as exportEnsemble writes it, with `members` untrained DARTS-V2 networks. */
async function writeEnsemble(dir: string, members: number): Promise<void> {
  const genotype = loadNamedGenotype('darts-v2');
  const metrics = { nll: 1, error: 0.5, ece: 0.1, brier: 0.5 };
  for (let k = 0; k < members; k++) {
    const model = buildModel(genotype, MACRO, { inputShape: INPUT_SHAPE, numClasses: CLASS_NAMES.length, seed: k + 1 });
    mkdirSync(join(dir, 'members', String(k)), { recursive: true });
    await saveLayersModel(model, join(dir, 'members', String(k)));
    model.dispose();
  }
  const manifest: ExportedManifest = {
    format: MANIFEST_FORMAT,
    formatVersion: MANIFEST_FORMAT_VERSION,
    nesVersion: NES_VERSION,
    exportedAt: new Date().toISOString(),
    source: { run: 'bench', runNesVersion: NES_VERSION, method: 'rs', selection: 'forward', size: members, severity: 0 },
    input: { shape: INPUT_SHAPE, layout: 'NHWC', range: [0, 255] },
    preprocessing: { mean: [0.286], std: [0.353] },
    classNames: CLASS_NAMES,
    dataset: { name: 'bench', train: 0, validation: 0, test: 0 },
    macro: MACRO,
    training: resolveConfig({}).training,
    metrics: { validation: metrics, test: { ...metrics, oracleNll: 1, avgMemberNll: 1, avgMemberError: 0.5, avgMemberEce: 0.1, disagreement: 0, normalizedDisagreement: 0, ambiguity: 0 } },
    members: Array.from({ length: members }, (_, k) => ({
      path: `members/${k}`,
      trialId: k,
      genotypeId: genotypeId(genotype),
      genotype,
      seed: k + 1,
      weight: 1 / members,
      validation: metrics,
      test: metrics,
    })),
  };
  writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
}

function inputOf(kind: InputKind, pixels: Uint8Array, count: number): RawImages {
  if (kind === 'uint8') return pixels;
  if (kind === 'float32') return Float32Array.from(pixels);
  return tf.tensor4d(Float32Array.from(pixels), [count, ...INPUT_SHAPE]);
}

export async function run(args: string[]): Promise<void> {
  let options: Options;
  try {
    options = parseArgs(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`bench predict: ${error.message}`);
    process.exit(2);
  }
  await initEngine('wasm');
  const dir = mkdtempSync(join(tmpdir(), 'nes-bench-predict-'));
  try {
    await writeEnsemble(dir, options.members);
    const ensemble = await loadEnsemble(dir, { batchSize: options.batch });
    const rng = createRng('nes-bench-predict');
    const count = options.images;
    const pixels = Uint8Array.from({ length: count * INPUT_SHAPE[0] * INPUT_SHAPE[1] * INPUT_SHAPE[2] }, () => rng.int(256));
    const summary: { input: InputKind; tfjs: number; compiled: number; ratio: number; cpuRatio: number }[] = [];
    for (const input of options.inputs) {
      const images = inputOf(input, pixels, count);
      const rounds: Record<Path, { imagesPerSec: number[]; cpuImagesPerSec: number[] }> = {
        tfjs: { imagesPerSec: [], cpuImagesPerSec: [] },
        compiled: { imagesPerSec: [], cpuImagesPerSec: [] },
      };
      for (let round = 0; round <= options.rounds; round++) {
        for (const path of PATHS) {
          // A network holding the compiled kernels' memory makes this thread's predictions run on tfjs.
          const holder = path === 'tfjs' ? CompiledNetwork.compile(ensemble.models[0]!, { capacity: 1, training: false }) : null;
          try {
            const cpuBefore = process.cpuUsage();
            const started = performance.now();
            await ensemble.predict(images);
            const seconds = (performance.now() - started) / 1000;
            const cpu = process.cpuUsage(cpuBefore);
            if (round === 0) continue; // warm-up: compilation, heap growth
            const cpuSeconds = (cpu.user + cpu.system) / 1e6;
            const line = {
              bench: 'predict',
              net: 'darts-v2-5cells-8ch',
              members: options.members,
              input,
              path,
              round,
              batch: options.batch,
              images: count,
              seconds,
              // Images through the whole ensemble per second (of wall-clock and of this process's CPU time).
              imagesPerSec: count / seconds,
              cpuImagesPerSec: count / cpuSeconds,
              maxRssMb: process.resourceUsage().maxRSS / 1024,
            };
            console.log(JSON.stringify(line));
            rounds[path].imagesPerSec.push(line.imagesPerSec);
            rounds[path].cpuImagesPerSec.push(line.cpuImagesPerSec);
          } finally {
            holder?.dispose();
          }
        }
      }
      if (images instanceof tf.Tensor) images.dispose();
      const tfjs = median(rounds.tfjs.imagesPerSec);
      const compiled = median(rounds.compiled.imagesPerSec);
      const cpuRatio = median(rounds.compiled.cpuImagesPerSec) / median(rounds.tfjs.cpuImagesPerSec);
      summary.push({ input, tfjs, compiled, ratio: compiled / tfjs, cpuRatio });
    }
    ensemble.dispose();
    // Medians over the rounds, images/s through the whole ensemble; ratio = compiled / tfjs.
    console.log(JSON.stringify({ bench: 'predict', members: options.members, images: count, rounds: options.rounds, medianImagesPerSec: summary }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
