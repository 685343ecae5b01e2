/** The report's sections, each an HTML fragment with its plots as inline SVG. */
import { averageProbs } from '../evaluate/metrics.js';
import { ece, reliability } from '../evaluate/calibration.js';
import { distinctMembers } from '../export/run-results.js';
import { anytimePointEpochs, methodCompute } from '../run/results-compute.js';
import type { EnsembleResult, MemberMetrics } from '../run/results-types.js';
import type { ReportedResults, TrialRecord } from './run-snapshot.js';
import { toDag } from '../space/dag.js';
import { anytimeSpec, disagreementSpec, reliabilitySpec, severitySpec, type MetricRow } from './charts.js';
import { cellGraphSvg } from './cell-graph-svg.js';
import { escapeHtml, fixed, htmlTable, percent } from './html.js';
import type { TestLabels } from './test-labels.js';
import { renderVegaLite } from './vega-svg.js';

export interface ReportContext {
  results: ReportedResults;
  /** Every proposed trial per method, from the journal (loss curves of the trained ones). */
  trials: Map<string, TrialRecord[]>;
  methods: string[];
  /** Ensemble size M of the per-size plots. */
  size: number;
  eceBins: number;
  labels: TestLabels;
  /** A member's cached test predictions at a severity, or undefined when the run has none. */
  memberPredictions(method: string, trialId: number, severity: number): Float32Array | undefined;
}

const severityOf = (e: { severity?: number }) => e.severity ?? 0;

export function figure(plot: string, svg: string, caption: string): string {
  return `<figure data-plot="${plot}">${svg}<figcaption>${caption}</figcaption></figure>`;
}

/** Information (why a plot is missing or partial); warning() is for what looks wrong. */
export function note(text: string): string {
  return `<p class="note">${text}</p>`;
}

function warning(text: string): string {
  return `<p class="warn">${text}</p>`;
}

function metricRows<T extends object>(base: T, metrics: { nll: number; error: number; ece: number }): (T & MetricRow)[] {
  return [
    { ...base, metric: 'NLL', value: metrics.nll },
    { ...base, metric: 'error', value: metrics.error },
    { ...base, metric: 'ECE', value: metrics.ece },
  ] as (T & MetricRow)[];
}

export function summarySection(ctx: ReportContext): string {
  const { results } = ctx;
  const headers = ['method', 'M', 'severity', 'test NLL', 'error', 'ECE', 'Brier'];
  const row = (r: ReportedResults['table'][number]) => [r.method, r.size, r.severity, fixed(r.nll), percent(r.error), fixed(r.ece), fixed(r.brier)];
  const sorted = [...results.table].sort((a, b) => a.severity - b.severity || a.size - b.size || a.method.localeCompare(b.method));
  const clean = sorted.filter((r) => r.severity === 0);
  // Shifted rows multiply the table by the severities: folded away below the clean ones.
  const shifted =
    clean.length < sorted.length
      ? `<details><summary>all ${sorted.length} rows, every severity</summary>${htmlTable(headers, sorted.map(row))}</details>`
      : '';
  const pools = ctx.methods.map((m) => {
    const entry = results.methods[m]!;
    const { epochs } = methodCompute(entry, results.training.epochs);
    return [m, entry.pool.length, epochs, entry.failed.length, entry.bestMember ? `${entry.bestMember.trialId} (${entry.bestMember.genotypeId})` : '–', fixed(entry.bestMember?.test.nll)];
  });
  return `<section id="summary"><h2>Results</h2>
${htmlTable(['method', 'trainings', 'epochs trained', 'failed', 'best single network (trial)', 'its test NLL'], pools)}
${htmlTable(headers, clean.map(row))}${shifted}
</section>`;
}

export async function anytimeSection(ctx: ReportContext): Promise<string> {
  const { results } = ctx;
  // Multi-fidelity legs differ in length: there the curve runs on epochs trained, the fair axis.
  const axis = ctx.methods.some((m) => results.methods[m]!.pool.some((member) => member.fidelity)) ? 'epochs' : 'networks';
  const rows = ctx.methods.flatMap((method) =>
    results.methods[method]!.anytime
      .filter((p) => p.size === ctx.size && severityOf(p as { severity?: number }) === 0)
      .flatMap((p) => metricRows({ method, networks: p.networks, epochs: anytimePointEpochs(p, results.training.epochs) }, { nll: p.testNll, error: p.testError, ece: p.testEce })),
  );
  const body =
    rows.length === 0
      ? note(`No anytime points for M = ${ctx.size} in this run.`)
      : figure(
          'anytime',
          await renderVegaLite(anytimeSpec(rows, ctx.methods, ctx.size, axis)),
          axis === 'networks'
            ? 'Ensemble selection redone on the first n networks trained; lower is better.'
            : 'Ensemble selection redone on what was trained by E epochs (a multi-fidelity leg counts its own epochs); lower is better.',
        );
  return `<section id="anytime"><h2>(a) Anytime performance</h2>${body}</section>`;
}

export async function severitySection(ctx: ReportContext): Promise<string> {
  const ensembles = ctx.methods.flatMap((m) => ctx.results.methods[m]!.ensembles.filter((e) => e.size === ctx.size));
  const severities = [...new Set(ensembles.map(severityOf))].sort((a, b) => a - b);
  const rows = ensembles.flatMap((e) => metricRows({ method: e.method, severity: severityOf(e) }, e.test));
  const missing = [0, 1, 2, 3, 4, 5].filter((s) => !severities.includes(s));
  const caveat =
    severities.length <= 1
      ? note(`This run holds results at severity ${severities.join(', ') || '–'} only (no shifted test sets were evaluated), so only that point is shown.`)
      : '';
  const evaluated = missing.length > 0 && severities.length > 1 ? ` Evaluated severities: ${severities.join(', ')} (config shift.severities).` : '';
  const body =
    rows.length === 0
      ? note(`No ensembles of size M = ${ctx.size}.`)
      : figure('severity', await renderVegaLite(severitySpec(rows, ctx.methods, ctx.size)), `Severity 0 is the clean test set.${evaluated}`);
  return `<section id="shift"><h2>(b) Under dataset shift</h2>${caveat}${body}</section>`;
}

/** The ensemble of size M with the lowest validation NLL at severity 0, across methods. */
export function bestEnsemble(ctx: ReportContext): EnsembleResult | undefined {
  return ctx.methods
    .flatMap((m) => ctx.results.methods[m]!.ensembles)
    .filter((e) => e.size === ctx.size && severityOf(e) === 0)
    .reduce<EnsembleResult | undefined>((best, e) => (best === undefined || e.validation.nll < best.validation.nll ? e : best), undefined);
}

export async function reliabilitySection(ctx: ReportContext): Promise<string> {
  const best = bestEnsemble(ctx);
  if (!best) return `<section id="reliability"><h2>(c) Reliability</h2>${note(`No ensemble of size M = ${ctx.size}.`)}</section>`;
  const intro = `<p>The ensemble of M = ${best.size} with the best validation NLL: <b>${escapeHtml(best.method)}</b> (${escapeHtml(best.selection)} selection), ${ctx.eceBins} bins.</p>`;
  const parts: string[] = [];
  for (const severity of [0, 5]) {
    if (ctx.labels.labels === undefined) {
      parts.push(note(`Severity ${severity}: no test labels (${escapeHtml(ctx.labels.reason)}).`));
      continue;
    }
    // At a severity the run selected for, use that ensemble; otherwise the clean one's members.
    const ensemble =
      ctx.results.methods[best.method]!.ensembles.find((e) => e.size === best.size && severityOf(e) === severity) ?? best;
    const members = distinctMembers(ensemble);
    const predictions = members.map((m) => ctx.memberPredictions(best.method, m.trialId, severity));
    if (predictions.some((p) => p === undefined)) {
      parts.push(note(`Severity ${severity}: the run holds no cached member predictions at this severity.`));
      continue;
    }
    const numClasses = ctx.results.dataset.numClasses;
    const probs = averageProbs(predictions as Float32Array[], members.map((m) => m.weight));
    if (probs.length !== ctx.labels.labels.length * numClasses) {
      parts.push(warning(`Severity ${severity}: cached predictions do not match the ${ctx.labels.labels.length} test labels.`));
      continue;
    }
    const bins = reliability(probs, ctx.labels.labels, numClasses, ctx.eceBins).filter((b) => b.count > 0);
    const calibrationError = ece(probs, ctx.labels.labels, numClasses, ctx.eceBins);
    const title = `Severity ${severity}: ECE ${calibrationError.toFixed(4)}`;
    parts.push(figure(`reliability-${severity}`, await renderVegaLite(reliabilitySpec(bins, title)), `Bars: accuracy per confidence bin; dots: mean confidence (size = points); dashed: perfect calibration.`));
  }
  const labelSource = ctx.labels.labels !== undefined ? `<p class="meta">Test labels: ${escapeHtml(ctx.labels.source)}.</p>` : '';
  return `<section id="reliability"><h2>(c) Reliability of the best ensemble</h2>${intro}<div class="row">${parts.join('\n')}</div>${labelSource}</section>`;
}

export async function disagreementSection(ctx: ReportContext): Promise<string> {
  const rows = ctx.methods.flatMap((m) =>
    ctx.results.methods[m]!.ensembles
      .filter((e) => e.test.disagreement !== undefined)
      .map((e) => ({ method: m, size: e.size, severity: severityOf(e), disagreement: e.test.disagreement, nll: e.test.nll })),
  );
  const body =
    rows.length === 0
      ? note('No ensembles in this run.')
      : figure(
          'disagreement',
          await renderVegaLite(disagreementSpec(rows, ctx.methods)),
          'Disagreement: mean fraction of test points where two members predict different classes.',
        );
  return `<section id="diversity"><h2>(d) Diversity and NLL</h2>${body}</section>`;
}

type PoolEntry = Pick<MemberMetrics, 'trialId' | 'validation' | 'fidelity'>;

/** A multi-fidelity member's legs, from its network's first rung to the one it is chosen at. */
function fidelityHistory(member: PoolEntry, pool: PoolEntry[]): string {
  const { fidelity } = member;
  if (!fidelity) return '';
  const legs = pool.filter((m) => m.fidelity?.network === fidelity.network).sort((a, b) => a.fidelity!.rung - b.fidelity!.rung);
  const steps = legs.map((leg) => `trial ${leg.trialId} (${leg.fidelity!.epochs} epoch${leg.fidelity!.epochs === 1 ? '' : 's'}, validation NLL ${fixed(leg.validation.nll)})`);
  return `<p class="legs">rung ${fidelity.rung}, ${fidelity.epochs} epoch${fidelity.epochs === 1 ? '' : 's'}; network ${fidelity.network} trained in legs: ${escapeHtml(steps.join(' → '))}</p>`;
}

export function architecturesSection(ctx: ReportContext): string {
  const blocks = ctx.methods.map((method) => {
    const entry = ctx.results.methods[method]!;
    const ensemble = entry.ensembles.find((e) => e.size === ctx.size && severityOf(e) === 0);
    if (!ensemble) return `<h3>${escapeHtml(method)}</h3>${note(`No ensemble of size M = ${ctx.size}.`)}`;
    const cards = distinctMembers(ensemble).map(({ trialId, weight }) => {
      const member = entry.pool.find((m) => m.trialId === trialId);
      if (!member) return warning(`trial ${trialId} is missing from the pool`);
      const prefix = `arch-${method}-${trialId}`.replace(/[^A-Za-z0-9_-]/g, '_');
      const dags = toDag(member.genotype);
      const graphs =
        'normal' in dags
          ? cellGraphSvg(dags.normal, { title: 'normal cell', idPrefix: `${prefix}-n`, output: 'concat' }) +
            cellGraphSvg(dags.reduce, { title: 'reduction cell', idPrefix: `${prefix}-r`, output: 'concat' })
          : cellGraphSvg(dags.cell, { title: 'cell', idPrefix: `${prefix}-c`, output: 'last' });
      const metrics = htmlTable(
        ['', 'NLL', 'error', 'ECE'],
        [
          ['validation', fixed(member.validation.nll), percent(member.validation.error), fixed(member.validation.ece)],
          ['test', fixed(member.test.nll), percent(member.test.error), fixed(member.test.ece)],
        ],
        'metrics',
      );
      return `<div class="member" data-trial="${trialId}"><h4>trial ${trialId} · ${escapeHtml(member.genotypeId)} · weight ${weight.toFixed(3)}</h4>${fidelityHistory(member, entry.pool)}${metrics}<div class="graphs">${graphs}</div></div>`;
    });
    return `<h3>${escapeHtml(method)}: M = ${ensemble.size}, ${escapeHtml(ensemble.selection)} selection, test NLL ${fixed(ensemble.test.nll)}</h3><div class="members">${cards.join('\n')}</div>`;
  });
  return `<section id="architectures"><h2>(e) Chosen architectures</h2>${blocks.join('\n')}</section>`;
}
