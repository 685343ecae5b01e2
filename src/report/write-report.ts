import { basename, dirname, resolve } from 'node:path';
import { EnsembleInputError } from '../export/errors.js';
import { readMemberPredictions } from '../run/member-files.js';
import { readRunConfig } from '../run/run-config.js';
import { runFolder, type RunFolder } from '../run/run-folder.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { NES_VERSION } from '../version.js';
import { escapeHtml, PAGE_STYLE } from './html.js';
import { reportPath } from './run-files.js';
import {
  anytimeSection,
  architecturesSection,
  disagreementSection,
  reliabilitySection,
  severitySection,
  summarySection,
  type ReportContext,
} from './sections.js';
import { loadTestLabels } from './test-labels.js';
import { readRunSnapshot, type ReportedResults, type RunSnapshot } from './run-snapshot.js';
import { trainingSection } from './training-section.js';
import type { RunStatus } from '../run/run-status.js';

export interface ReportOptions {
  /** Ensemble size M of the per-size plots; default the largest size every method has. */
  size?: number;
}

/**
 * Writes runs/<id>/report.html: one self-contained page (inline SVG and CSS, no scripts, no network).
 * A run that has not finished (running or interrupted) gets a partial report of the networks
 * trained so far, marked as such on the page.
 */
export async function writeReport(runDir: string, options: ReportOptions = {}): Promise<string> {
  return (await writeRunReport(runDir, options)).path;
}

/** writeReport, also giving what the page was built from (partial or not, and how far the run got). */
export async function writeRunReport(runDir: string, options: ReportOptions = {}): Promise<{ path: string; snapshot: RunSnapshot }> {
  const dir = resolve(runDir);
  const run = runFolder(dirname(dir), basename(dir));
  const snapshot = readRunSnapshot(dir);
  const { results } = snapshot;
  const methods = Object.keys(results.methods);
  const config = readRunConfig(run);
  const size = chooseSize(results, methods, options.size);
  const ctx: ReportContext = {
    results,
    trials: snapshot.trials,
    methods,
    size,
    eceBins: config?.evaluation?.eceBins ?? 15,
    labels: loadTestLabels(run, results.dataset.numClasses, cachedTestCount(results, methods, run) ?? results.dataset.test),
    memberPredictions: (method, trialId, severity) => readMemberPredictions(run.memberDir(method, trialId), 'test', severity)?.probs,
  };
  const sections = [
    summarySection(ctx),
    await anytimeSection(ctx),
    await severitySection(ctx),
    await reliabilitySection(ctx),
    await disagreementSection(ctx),
    architecturesSection(ctx),
    await trainingSection(ctx),
  ];
  const path = reportPath(dir);
  writeFileAtomic(path, page(snapshot, size, sections));
  return { path, snapshot };
}

/** Points in the members' cached test predictions (the run may have used a test subset). */
function cachedTestCount(results: ReportedResults, methods: string[], run: RunFolder): number | undefined {
  for (const method of methods) {
    const member = results.methods[method]!.pool[0];
    const predictions = member && readMemberPredictions(run.memberDir(method, member.trialId), 'test', 0);
    if (predictions) return predictions.rows;
  }
  return undefined;
}

function chooseSize(results: ReportedResults, methods: string[], requested: number | undefined): number {
  const sizesOf = (m: string) => new Set(results.methods[m]!.ensembles.map((e) => e.size));
  const all = [...new Set(methods.flatMap((m) => [...sizesOf(m)]))].sort((a, b) => a - b);
  if (requested !== undefined) {
    if (!all.includes(requested)) throw new EnsembleInputError(`run ${results.run} has no ensembles of size ${requested}; sizes: ${all.join(', ')}`);
    return requested;
  }
  const shared = all.filter((size) => methods.every((m) => sizesOf(m).has(size)));
  return shared.at(-1) ?? all.at(-1) ?? 1;
}


function page(snapshot: RunSnapshot, size: number, sections: string[]): string {
  const { results, status } = snapshot;
  const d = results.dataset;
  const counts = d.train === undefined ? `${d.validation} validation / ${d.test} test` : `${d.train} train / ${d.validation} validation / ${d.test} test`;
  const shape = d.inputShape ? `, ${d.inputShape.join('×')}` : '';
  const meta = [
    `dataset ${escapeHtml(d.name)} (${counts}${shape}, ${d.numClasses} classes)`,
    `macro: ${results.macro.cells} cells, ${results.macro.channels} channels`,
    `training: ${results.training.epochs} epochs, batch ${results.training.batchSize}, lr ${results.training.learningRate}`,
    `engine ${escapeHtml(results.engine)}${results.engineDevice ? ` on ${escapeHtml(results.engineDevice)}` : ''}, ${results.workers} workers, ${(results.seconds / 60).toFixed(1)} min`,
    `search by nes ${escapeHtml(results.nesVersion)}; report by nes ${escapeHtml(NES_VERSION)}; plots at M = ${size}`,
  ];
  const title = `${escapeHtml(results.run)}${snapshot.partial ? ' (partial)' : ''}`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>nes report: ${title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${PAGE_STYLE}</style></head>
<body><h1>Neural Ensemble Search: run ${title}</h1>
${snapshot.partial ? partialBanner(status) : ''}<p class="meta">${meta.join(' · ')}</p>
${sections.join('\n')}
</body></html>
`;
}

/** What a partial page covers, above everything else on it. */
function partialBanner(status: RunStatus): string {
  const perMethod = status.progress.map((p) => `${escapeHtml(p.method)} ${p.trained}/${p.planned}${p.failed ? ` (${p.failed} failed)` : ''}`).join(', ');
  const state =
    status.state === 'running'
      ? 'The search is still running'
      : `The search was interrupted (${escapeHtml(status.detail)}); <code>nes search --resume ${escapeHtml(status.dir)}</code> goes on`;
  return `<p class="warn partial" data-partial="${status.state}"><b>Partial report</b> of ${status.trained} of ${status.planned} networks (${perMethod}). ${state}. Ensembles are selected among the networks trained so far, sizes larger than a pool are left out, and every number here changes as the run goes on.</p>
`;
}
