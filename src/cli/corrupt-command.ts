import { existsSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import { DataFormatError } from '../data/errors.js';
import { loadFashionMnist } from '../data/fashion-mnist.js';
import { formatShape, readNpy, writeNpy } from '../data/npy.js';
import { corruptBatch, KINDS, loadSuite, type CorruptionSuite, type ImageBatch, type Severity } from '../shift/index.js';
import { intFlag, parseFlags, requireFlag } from './args.js';
import { UsageError } from './usage-error.js';

export const corruptHelp = `Usage: nes corrupt (--dataset fashion-mnist [--data-dir DIR] --split train|validation|test | --input X.npy)
                   --suite test|validation|FILE.json[#suite] [--seed S] --out DIR
                   (--severity 0..5 [--kind K] | --layout cifar10-c [--kind K])

Writes a corrupted copy of a data set (CIFAR-10-C-style corruptions, Hendrycks & Dietterich 2019).
Every image gets one kind drawn uniformly from the suite (or --kind for all), with a generator
seeded by (S, image index): the same seed gives byte-identical files.

  --dataset fashion-mnist  the embedded subset, or the official files in --data-dir
  --split S                train, validation or test (NES split of Fashion-MNIST)
  --input X.npy            uint8 images, (N, H, W) or (N, H, W, C) with C = 1 or 3
  --suite                  test (the 15 CIFAR-10-C kinds), validation (speckle_noise,
                           gaussian_blur, spatter, saturate) or a suite file (path#name picks one
                           of its suites; a bare path uses every kind the file defines)
  --severity 0..5          0 writes the clean copy
  --kind K                 apply this kind to every image (any kind the suite's file defines)
  --seed S                 integer seed (default 0)
  --out DIR                output folder: must not exist or be empty; it is filled in a staging
                           folder and renamed at the end, so it is never left half-written

Output (default layout): DIR/images.npy (uint8, the input's shape), DIR/labels.npy (uint8 (N,),
datasets only) and DIR/kinds.json (the kind of each image, suite, severity, seed).

  --layout cifar10-c       the official CIFAR-10-C release layout: DIR/<kind>.npy for every kind
                           of the suite (or --kind), uint8 (5N, H, W, C) with rows [(s-1)N, sN) at
                           severity s, DIR/labels.npy (datasets only) repeated 5 times, and
                           DIR/kinds.json. All 5 severities are written: --severity is refused.
                           Readable with readCifar10C; block s equals a run with --kind K --severity s.`;

const LAYOUTS = ['cifar10-c'];
const SPLITS = ['train', 'validation', 'test'] as const;
const DATASETS = ['fashion-mnist'];

interface Source {
  batch: ImageBatch;
  /** Shape of the written images in the default layout: the input's own. */
  shape: number[];
  labels?: Uint8Array;
  /** For kinds.json. */
  description: Record<string, string>;
}

export async function corruptCommand(args: string[]): Promise<number> {
  const flags = parseFlags('corrupt', args, {
    dataset: { type: 'string' },
    'data-dir': { type: 'string' },
    split: { type: 'string' },
    input: { type: 'string' },
    suite: { type: 'string' },
    severity: { type: 'string' },
    kind: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
    layout: { type: 'string' },
  });
  if (flags.help) {
    console.log(corruptHelp);
    return 0;
  }
  const usage = (message: string): never => {
    throw new UsageError(`nes corrupt: ${message}; see "nes corrupt --help"`);
  };

  // Check every flag before reading any data.
  if (flags.dataset === undefined && flags.input === undefined) usage('give --dataset or --input');
  if (flags.dataset !== undefined && flags.input !== undefined) usage('--dataset and --input exclude each other');
  if (flags.input !== undefined && (flags.split !== undefined || flags['data-dir'] !== undefined)) {
    usage('--split and --data-dir go with --dataset, not --input');
  }
  if (flags.dataset !== undefined && !DATASETS.includes(flags.dataset)) usage(`--dataset "${flags.dataset}" is not known; use ${DATASETS.join(', ')}`);
  if (flags.dataset !== undefined) {
    const split = requireFlag('corrupt', flags, 'split');
    if (!(SPLITS as readonly string[]).includes(split)) usage(`--split "${split}" is not known; use ${SPLITS.join(', ')}`);
  }
  const layout = flags.layout;
  if (layout !== undefined && !LAYOUTS.includes(layout)) usage(`--layout "${layout}" is not known; use ${LAYOUTS.join(', ')}`);
  let severity: 0 | Severity | undefined;
  if (layout !== undefined) {
    if (flags.severity !== undefined) usage(`--layout ${layout} writes all 5 severities; drop --severity`);
  } else {
    const raw = requireFlag('corrupt', flags, 'severity');
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0 || value > 5 || raw.trim() === '') {
      usage(`--severity expects an integer 0…5 (0 = clean copy), got "${raw}"`);
    }
    severity = value as 0 | Severity;
  }
  const seed = intFlag('corrupt', 'seed', flags.seed, 0) ?? 0;
  const suiteName = requireFlag('corrupt', flags, 'suite');
  const out = resolve(requireFlag('corrupt', flags, 'out'));
  checkOutFolder(out);

  const suite = openSuite(suiteName);
  const kind = flags.kind;
  if (kind !== undefined) checkKind(kind, suite);

  const source = flags.input !== undefined ? readInput(flags.input) : readDataset(flags.split!, flags['data-dir']);
  const { batch } = source;
  const header = { suite: suite.name, seed, ...(kind !== undefined ? { kind } : {}), source: source.description, count: batch.count };

  const written = writeStaged(out, (stage) => {
    if (layout === undefined) {
      const result = corruptBatch(batch, { suite, severity: severity!, seed, kind });
      writeNpy(join(stage, 'images.npy'), { dtype: 'uint8', shape: source.shape, data: result.images });
      if (source.labels) writeNpy(join(stage, 'labels.npy'), { dtype: 'uint8', shape: [batch.count], data: source.labels });
      writeJson(join(stage, 'kinds.json'), { ...header, severity, kinds: result.kinds });
      return source.labels ? ['images.npy', 'labels.npy', 'kinds.json'] : ['images.npy', 'kinds.json'];
    }
    const kinds = kind !== undefined ? [kind] : suite.kinds;
    if (kinds.length === 0) usage(`suite "${suite.name}" has no kinds`);
    const size = batch.images.length;
    const files: string[] = [];
    kinds.forEach((name, position) => {
      const stacked = new Uint8Array(5 * size);
      for (let s = 1; s <= 5; s++) {
        stacked.set(corruptBatch(batch, { suite, severity: s as Severity, seed, kind: name }).images, (s - 1) * size);
      }
      writeNpy(join(stage, `${name}.npy`), { dtype: 'uint8', shape: [5 * batch.count, batch.height, batch.width, batch.channels], data: stacked });
      files.push(`${name}.npy`);
      if (kinds.length > 1) console.error(`nes corrupt: ${name} done (${position + 1}/${kinds.length})`);
    });
    if (source.labels) {
      const repeated = new Uint8Array(5 * batch.count);
      for (let s = 0; s < 5; s++) repeated.set(source.labels, s * batch.count);
      writeNpy(join(stage, 'labels.npy'), { dtype: 'uint8', shape: [5 * batch.count], data: repeated });
      files.push('labels.npy');
    }
    writeJson(join(stage, 'kinds.json'), { ...header, layout, severities: [1, 2, 3, 4, 5], kinds });
    files.push('kinds.json');
    return files;
  });
  console.log(JSON.stringify({ out, count: batch.count, ...(layout !== undefined ? { layout } : { severity }), files: written }));
  return 0;
}

/** The output folder may be missing or empty; anything else is refused (no overwrite). */
function checkOutFolder(out: string): void {
  if (!existsSync(out)) return;
  if (!statSync(out).isDirectory()) throw new UsageError(`nes corrupt: --out ${out} exists and is not a folder`);
  if (readdirSync(out).length > 0) throw new UsageError(`nes corrupt: --out ${out} is not empty; refusing to overwrite (choose a new folder)`);
}

function openSuite(name: string): CorruptionSuite {
  try {
    return loadSuite(name);
  } catch (error) {
    // loadSuite's messages (unknown name, invalid file) are plain Errors; JSON/IO errors too.
    throw new UsageError(`nes corrupt: --suite: ${(error as Error).message.split('\n')[0]}`);
  }
}

function checkKind(kind: string, suite: CorruptionSuite): void {
  const available = Object.keys(suite.specs).filter((name) => Object.hasOwn(KINDS, name));
  if (!available.includes(kind)) {
    throw new UsageError(`nes corrupt: --kind "${kind}" is not a kind of suite ${suite.name}'s file; available: ${available.join(', ')}`);
  }
}

function readInput(path: string): Source {
  const array = readNpy(path);
  if (array.dtype !== 'uint8' || !(array.data instanceof Uint8Array)) {
    throw new DataFormatError(path, `dtype ${array.dtype}, expected uint8 images 0..255 (e.g. (x * 255).round().astype(np.uint8))`);
  }
  const rank = array.shape.length;
  const channels = rank === 4 ? array.shape[3]! : 1;
  if ((rank !== 3 && rank !== 4) || (channels !== 1 && channels !== 3)) {
    throw new DataFormatError(path, `shape ${formatShape(array.shape)}, expected (N, H, W) or (N, H, W, C) with C = 1 or 3`);
  }
  const [count, height, width] = array.shape as [number, number, number];
  if (count === 0 || height === 0 || width === 0) throw new DataFormatError(path, `shape ${formatShape(array.shape)} holds no pixels`);
  return {
    batch: { images: array.data, count, height, width, channels },
    shape: [...array.shape],
    description: { input: resolve(path) },
  };
}

function readDataset(split: string, dataDir: string | undefined): Source {
  const splits = loadFashionMnist(dataDir === undefined ? {} : { dataDir });
  const set = splits[split as (typeof SPLITS)[number]];
  return {
    batch: { images: set.images, count: set.count, height: set.height, width: set.width, channels: set.channels },
    shape: set.channels === 1 ? [set.count, set.height, set.width] : [set.count, set.height, set.width, set.channels],
    labels: set.labels,
    description: { dataset: splits.name, split, ...(dataDir !== undefined ? { dataDir: resolve(dataDir) } : {}) },
  };
}

function writeJson(path: string, value: unknown): void {
  writeFileAtomic(path, new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`));
}

/**
 * Fills a staging folder next to `out`, then renames it to `out` (removing `out` first if it is
 * an empty folder), so `out` either holds every file or does not appear. The stage is removed on error.
 */
function writeStaged(out: string, fill: (stage: string) => string[]): string[] {
  mkdirSync(dirname(out), { recursive: true });
  const stage = join(dirname(out), `.${basename(out)}.${process.pid}.partial`);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage);
  try {
    const files = fill(stage);
    checkOutFolder(out);
    if (existsSync(out)) rmdirSync(out);
    renameSync(stage, out);
    return files;
  } catch (error) {
    rmSync(stage, { recursive: true, force: true });
    throw error;
  }
}
