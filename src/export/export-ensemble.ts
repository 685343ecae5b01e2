import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { memberModelFiles } from '../run/member-files.js';
import { runFolder } from '../run/run-folder.js';
import { NES_VERSION } from '../version.js';
import { assertValidManifest } from './ensemble-schema.js';
import { EnsembleInputError } from './errors.js';
import { buildOnnxExport } from './onnx/export-onnx.js';
import type { RawInputType } from './onnx/ensemble-model.js';
import {
  EXPORT_FORMATS,
  MANIFEST_FILE,
  MANIFEST_FORMAT,
  MANIFEST_FORMAT_VERSION,
  type ExportFormat,
  type ExportedManifest,
  type ExportedMember,
} from './manifest.js';
import { chooseEnsemble, distinctMembers, readRunResults, type EnsembleChoice } from './run-results.js';

export interface ExportOptions extends EnsembleChoice {
  /** Folder to create; must not exist yet (or be empty). */
  out: string;
  /** What to write: tfjs layers models (default), ONNX models, or both. */
  formats?: ExportFormat[];
  /** Element type of ensemble.onnx's raw-pixel input (default uint8). */
  onnxInput?: RawInputType;
}

/**
 * Writes the chosen ensemble of a run as a self-contained folder: members/<i>/ (tfjs layers
 * model.json + weights, and/or model.onnx), ensemble.onnx with the ONNX format, and ensemble.json.
 * The folder appears complete or not at all: it is assembled next to `out` and renamed into place.
 */
export async function exportEnsemble(runDir: string, options: ExportOptions): Promise<ExportedManifest> {
  const results = readRunResults(runDir);
  const ensemble = chooseEnsemble(results, options);
  const method = ensemble.method;
  const entry = results.methods[method]!;
  const run = runFolder(dirname(resolve(runDir)), basename(resolve(runDir)));
  const formats = exportFormats(options.formats);
  const out = resolve(options.out);
  if (existsSync(out) && readdirSync(out).length > 0) {
    throw new EnsembleInputError(`${out} already exists and is not empty; choose another --out or remove it`);
  }

  const members: ExportedMember[] = distinctMembers(ensemble).map(({ trialId, weight }, index) => {
    const result = entry.pool.find((member) => member.trialId === trialId);
    if (!result) throw new EnsembleInputError(`results.json: ensemble member trial ${trialId} is not in the ${method} pool`);
    return {
      path: `members/${index}`,
      trialId,
      genotypeId: result.genotypeId,
      genotype: result.genotype,
      seed: result.seed,
      weight,
      validation: result.validation,
      test: result.test,
    };
  });
  const manifest: ExportedManifest = {
    format: MANIFEST_FORMAT,
    formatVersion: MANIFEST_FORMAT_VERSION,
    nesVersion: NES_VERSION,
    exportedAt: new Date().toISOString(),
    formats,
    source: {
      run: results.run,
      runNesVersion: results.nesVersion,
      method,
      selection: ensemble.selection,
      size: ensemble.size,
      severity: ensemble.severity ?? 0,
    },
    input: { shape: results.dataset.inputShape, layout: 'NHWC', range: [0, 255] },
    preprocessing: { mean: results.dataset.normalization.mean, std: results.dataset.normalization.std },
    classNames: results.dataset.classNames,
    dataset: {
      name: results.dataset.name,
      train: results.dataset.train,
      validation: results.dataset.validation,
      test: results.dataset.test,
    },
    macro: results.macro,
    training: results.training,
    metrics: { validation: ensemble.validation, test: ensemble.test },
    members,
  };
  const memberDirs = members.map((member) => run.memberDir(method, member.trialId));
  const onnx = formats.includes('onnx') ? buildOnnxExport(manifest, memberDirs, options.onnxInput ?? 'uint8') : undefined;
  if (onnx) manifest.onnx = onnx.manifest;
  assertValidManifest(manifest, 'the manifest to export');

  const staging = `${out}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    if (formats.includes('tfjs')) members.forEach((member, i) => copyModelFolder(memberDirs[i]!, join(staging, member.path)));
    for (const file of onnx?.files ?? []) {
      mkdirSync(dirname(join(staging, file.path)), { recursive: true });
      writeFileSync(join(staging, file.path), file.bytes);
    }
    writeFileSync(join(staging, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
    if (existsSync(out)) rmSync(out, { recursive: true });
    mkdirSync(dirname(out), { recursive: true });
    renameSync(staging, out);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  return manifest;
}

/** The formats asked for, checked; default tfjs. */
function exportFormats(formats: ExportFormat[] | undefined): ExportFormat[] {
  if (formats === undefined) return ['tfjs'];
  const unknown = formats.filter((format) => !(EXPORT_FORMATS as readonly string[]).includes(format));
  if (unknown.length > 0 || formats.length === 0) {
    throw new EnsembleInputError(`export format ${unknown.length > 0 ? `"${unknown.join(', ')}"` : '(none)'} unknown; use ${EXPORT_FORMATS.join(', ')} or both (tfjs,onnx)`);
  }
  return EXPORT_FORMATS.filter((format) => formats.includes(format));
}

/** Copies model.json and every weight file it names, byte for byte. */
function copyModelFolder(from: string, to: string): void {
  const files = memberModelFiles(from);
  if (!files) throw new EnsembleInputError(`${join(from, 'model.json')} not found: the member's model was not saved`);
  mkdirSync(to, { recursive: true });
  for (const file of files) copyFileSync(join(from, file), join(to, file));
}
