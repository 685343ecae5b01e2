import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { memberModelFiles } from '../run/member-files.js';
import { runFolder } from '../run/run-folder.js';
import { NES_VERSION } from '../version.js';
import { assertValidManifest } from './ensemble-schema.js';
import { EnsembleInputError } from './errors.js';
import {
  MANIFEST_FILE,
  MANIFEST_FORMAT,
  MANIFEST_FORMAT_VERSION,
  type ExportedManifest,
  type ExportedMember,
} from './manifest.js';
import { chooseEnsemble, distinctMembers, readRunResults, type EnsembleChoice } from './run-results.js';

export interface ExportOptions extends EnsembleChoice {
  /** Folder to create; must not exist yet (or be empty). */
  out: string;
}

/**
 * Writes the chosen ensemble of a run as a self-contained folder: members/<i>/ (tfjs layers
 * model.json + weights) and ensemble.json. The folder appears complete or not at all: it is
 * assembled next to `out` and renamed into place.
 */
export async function exportEnsemble(runDir: string, options: ExportOptions): Promise<ExportedManifest> {
  const results = readRunResults(runDir);
  const ensemble = chooseEnsemble(results, options);
  const method = ensemble.method;
  const entry = results.methods[method]!;
  const run = runFolder(dirname(resolve(runDir)), basename(resolve(runDir)));
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
  assertValidManifest(manifest, 'the manifest to export');

  const staging = `${out}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    for (const member of members) copyModelFolder(run.memberDir(method, member.trialId), join(staging, member.path));
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

/** Copies model.json and every weight file it names, byte for byte. */
function copyModelFolder(from: string, to: string): void {
  const files = memberModelFiles(from);
  if (!files) throw new EnsembleInputError(`${join(from, 'model.json')} not found: the member's model was not saved`);
  mkdirSync(to, { recursive: true });
  for (const file of files) copyFileSync(join(from, file), join(to, file));
}
