import { basename, dirname, resolve } from 'node:path';
import { EnsembleInputError } from '../export/errors.js';
import { readMemberPredictions } from '../run/member-files.js';
import { readResults } from '../run/results-file.js';
import type { SearchResults } from '../run/results-types.js';
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

export interface ReportOptions {
  /** Ensemble size M of the per-size plots; default the largest size every method has. */
  size?: number;
}

/** Writes runs/<id>/report.html: one self-contained page (inline SVG and CSS, no scripts, no network). */
export async function writeReport(runDir: string, options: ReportOptions = {}): Promise<string> {
  const dir = resolve(runDir);
  const run = runFolder(dirname(dir), basename(dir));
  const results = readResults(dir);
  const methods = Object.keys(results.methods);
  const config = readRunConfig(run);
  const size = chooseSize(results, methods, options.size);
  const ctx: ReportContext = {
    results,
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
  ];
  const path = reportPath(dir);
  writeFileAtomic(path, page(results, size, sections));
  return path;
}

/** Points in the members' cached test predictions (the run may have used a test subset). */
function cachedTestCount(results: SearchResults, methods: string[], run: RunFolder): number | undefined {
  for (const method of methods) {
    const member = results.methods[method]!.pool[0];
    const predictions = member && readMemberPredictions(run.memberDir(method, member.trialId), 'test', 0);
    if (predictions) return predictions.rows;
  }
  return undefined;
}

function chooseSize(results: SearchResults, methods: string[], requested: number | undefined): number {
  const sizesOf = (m: string) => new Set(results.methods[m]!.ensembles.map((e) => e.size));
  const all = [...new Set(methods.flatMap((m) => [...sizesOf(m)]))].sort((a, b) => a - b);
  if (requested !== undefined) {
    if (!all.includes(requested)) throw new EnsembleInputError(`run ${results.run} has no ensembles of size ${requested}; sizes: ${all.join(', ')}`);
    return requested;
  }
  const shared = all.filter((size) => methods.every((m) => sizesOf(m).has(size)));
  return shared.at(-1) ?? all.at(-1) ?? 1;
}


function page(results: SearchResults, size: number, sections: string[]): string {
  const d = results.dataset;
  const meta = [
    `dataset ${escapeHtml(d.name)} (${d.train} train / ${d.validation} validation / ${d.test} test, ${d.inputShape.join('×')}, ${d.numClasses} classes)`,
    `macro: ${results.macro.cells} cells, ${results.macro.channels} channels`,
    `training: ${results.training.epochs} epochs, batch ${results.training.batchSize}, lr ${results.training.learningRate}`,
    `engine ${escapeHtml(results.engine)}${results.engineDevice ? ` on ${escapeHtml(results.engineDevice)}` : ''}, ${results.workers} workers, ${(results.seconds / 60).toFixed(1)} min`,
    `search by nes ${escapeHtml(results.nesVersion)}; report by nes ${escapeHtml(NES_VERSION)}; plots at M = ${size}`,
  ];
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>nes report: ${escapeHtml(results.run)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${PAGE_STYLE}</style></head>
<body><h1>Neural Ensemble Search: run ${escapeHtml(results.run)}</h1>
<p class="meta">${meta.join(' · ')}</p>
${sections.join('\n')}
</body></html>
`;
}
