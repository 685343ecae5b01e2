/** compare.html: one self-contained page (inline SVG and CSS, no scripts, no network). */
import { escapeHtml, htmlTable, PAGE_STYLE } from '../report/html.js';
import { renderVegaLite } from '../report/vega-svg.js';
import { NES_VERSION } from '../version.js';
import { ENSEMBLE_METRICS, methodLabel, type Comparison } from './aggregate.js';
import { anytimeBandSpec, bySeveritySpec, nllBySizeSpec, shiftAwareGainSpec, type IntervalRow } from './charts.js';
import type { MeanSe } from './statistics.js';
import { computeCells, formatMeanSe } from './table.js';

const interval = (value: MeanSe) => ({ mean: value.mean, lower: value.mean - (value.se ?? 0), upper: value.mean + (value.se ?? 0) });

function figure(plot: string, svg: string, caption: string): string {
  return `<figure data-plot="${plot}">${svg}<figcaption>${caption}</figcaption></figure>`;
}

export async function comparisonPage(comparison: Comparison): Promise<string> {
  const label = (method: string) => methodLabel(method, comparison.config);
  const methods = comparison.methods.map(label);
  const sizes = [...new Set(comparison.ensembles.map((r) => r.size))].sort((a, b) => a - b);
  const severities = [...new Set(comparison.ensembles.map((r) => r.severity))].sort((a, b) => a - b);
  const largest = sizes.at(-1)!;
  const worst = severities.at(-1)!;
  const shown = [...new Set([0, worst])].filter((s) => severities.includes(s));

  const headers = ['method', 'M', 'severity', 'test NLL', 'error %', 'ECE', 'Brier', 'oracle NLL', 'disagreement'];
  const row = (r: Comparison['ensembles'][number]) => [label(r.method), r.size, r.severity, ...ENSEMBLE_METRICS.map((m) => formatMeanSe(r.metrics[m], m === 'error'))];
  const headline = comparison.ensembles.filter((r) => shown.includes(r.severity)).sort((a, b) => a.severity - b.severity || a.size - b.size);
  const single = comparison.bestMember
    .filter((r) => shown.includes(r.severity))
    .map((r) => [label(r.method), r.severity, formatMeanSe(r.metrics.nll), formatMeanSe(r.metrics.error, true), formatMeanSe(r.metrics.ece)]);

  const sizeRows: IntervalRow[] = comparison.ensembles
    .filter((r) => shown.includes(r.severity))
    .map((r) => ({ method: label(r.method), size: r.size, severity: r.severity, ...interval(r.metrics.nll) }));
  const severityRows: IntervalRow[] = comparison.ensembles
    .filter((r) => r.size === largest)
    .flatMap((r) => [
      { method: label(r.method), severity: r.severity, metric: 'NLL', ...interval(r.metrics.nll) },
      { method: label(r.method), severity: r.severity, metric: 'ECE', ...interval(r.metrics.ece) },
    ]);
  const anytimeSize = Math.max(...comparison.anytime.map((p) => p.size), 0);
  const anytimeRows: IntervalRow[] = comparison.anytime
    .filter((p) => p.size === anytimeSize)
    .map((p) => ({ method: label(p.method), networks: p.networks, ...interval(p.testNll) }));
  const epochsRows: IntervalRow[] = comparison.anytimeByEpochs
    .filter((p) => p.size === anytimeSize)
    .map((p) => ({ method: label(p.method), epochs: p.epochs, ...interval(p.testNll) }));
  const compute = computeCells(comparison);
  const gainRows: IntervalRow[] = comparison.shiftAwareGain
    .filter((g) => g.size === largest)
    .map((g) => ({ method: label(g.method), severity: g.severity, ...interval(g.nll) }));

  const note = (text: string) => `<p class="note">${escapeHtml(text)}</p>`;
  const sections = [
    `<section id="table"><h2>Ensembles (test, mean ± standard error over ${comparison.seeds.length} ${comparison.seeds.length === 1 ? 'seed' : 'seeds'})</h2>
${htmlTable(headers, headline.map(row))}
<details><summary>all ${comparison.ensembles.length} rows, every severity</summary>${htmlTable(headers, comparison.ensembles.map(row))}</details>
<h3>Best single network of each method (by validation NLL)</h3>
${htmlTable(['method', 'severity', 'test NLL', 'error %', 'ECE'], single)}
<h3>Compute each method used</h3>
${htmlTable(compute.header, compute.body)}
${note('Epochs over all finished trainings; a multi-fidelity leg counts the epochs it trained itself. Minutes are summed over workers (CPU or GPU time, not wall clock).')}</section>`,
    `<section id="size"><h2>Ensemble size</h2>${figure('size', await renderVegaLite(nllBySizeSpec(sizeRows, methods)), 'Ensembles selected on validation data at the severity they are tested at; bars: ±1 standard error across seeds.')}</section>`,
    `<section id="severity"><h2>Dataset shift</h2>${figure('severity', await renderVegaLite(bySeveritySpec(severityRows, methods, largest)), 'Lower is better.')}</section>`,
    `<section id="anytime"><h2>Anytime performance</h2>${
      anytimeRows.length > 0
        ? figure('anytime', await renderVegaLite(anytimeBandSpec(anytimeRows, methods, anytimeSize)), 'Selection redone on the first n trainings of each run (a multi-fidelity leg is one); band: ±1 standard error across seeds.') +
          figure('anytime-epochs', await renderVegaLite(anytimeBandSpec(epochsRows, methods, anytimeSize, 'epochs')), 'The same on the compute axis: at E epochs, the ensemble selected on what each run had trained by then; band: ±1 standard error across seeds.')
        : note('The runs hold no anytime points.')
    }</section>`,
    `<section id="shift-aware"><h2>Shift-aware selection</h2>${
      gainRows.length > 0
        ? figure('shift-aware', await renderVegaLite(shiftAwareGainSpec(gainRows, methods, largest)), 'Test NLL at severity s of the ensemble selected on clean validation data minus that of the ensemble selected on validation data at s. Above zero: selecting under shift helped.')
        : note('The runs hold no shifted severities, so there is no clean-selected ensemble to compare with.')
    }</section>`,
  ];

  const c = comparison.config as { budget?: number; macro?: { cells: number; channels: number }; training?: { epochs: number; batchSize: number } };
  const d = comparison.dataset;
  const meta = [
    `${comparison.runs.length} runs, seeds ${comparison.seeds.join(', ')}`,
    `dataset ${escapeHtml(d.name)} (${d.train} train / ${d.validation} validation / ${d.test} test)`,
    `budget ${c.budget ?? '?'} networks per method`,
    c.macro ? `${c.macro.cells} cells, ${c.macro.channels} channels` : '',
    c.training ? `${c.training.epochs} epochs, batch ${c.training.batchSize}` : '',
    `compared by nes ${escapeHtml(NES_VERSION)}`,
  ].filter(Boolean);
  const runs = htmlTable(
    ['run', 'seed', 'engine', 'minutes', 'folder'],
    comparison.runs.map((r) => [r.run, r.seed, r.engine, (r.seconds / 60).toFixed(1), r.dir]),
  );
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>nes compare: ${escapeHtml(methods.join(', '))}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${PAGE_STYLE}</style></head>
<body><h1>Neural Ensemble Search: ${escapeHtml(methods.join(' vs '))}</h1>
<p class="meta">${meta.join(' · ')}</p>
${sections.join('\n')}
<section id="runs"><h2>Runs</h2>${runs}</section>
</body></html>
`;
}
