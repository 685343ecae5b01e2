import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareRuns, loadComparedRuns, meanSe } from '../../src/compare/index.js';
import { resolveConfig } from '../../src/run/config.js';
import type { SearchResults } from '../../src/run/results-types.js';

let work: string;
before(() => {
  work = mkdtempSync(join(tmpdir(), 'nes-compare-'));
});
after(() => rmSync(work, { recursive: true, force: true }));

/** Test metrics of one ensemble, all derived from its NLL so each metric is checkable. */
const metrics = (nll: number) => ({ nll, error: nll / 10, ece: nll / 100, brier: nll / 2, oracleNll: nll / 3, disagreement: nll / 4 });

/**
 * A finished run's results.json and config.json with hand-set numbers: rs and deepens, M = 2,
 * severities 0 and 5; `nll(method, severity)` gives the selected ensemble's test NLL.
 */
function writeRun(dir: string, seed: number, nll: (method: string, severity: number) => number, overrides: Record<string, unknown> = {}) {
  mkdirSync(dir, { recursive: true });
  const config = resolveConfig({ seed, methods: ['rs', 'deepens'], budget: 4, ensembleSizes: [2], shift: { severities: [0, 5] }, ...overrides });
  const methodResults = (method: string) => {
    const ensemble = (severity: number, value: number) => ({
      method, size: 2, severity, selectedOnSeverity: severity, selection: 'forward', members: [0, 1], weights: [0.5, 0.5],
      validation: { nll: 0, error: 0, ece: 0, brier: 0 }, test: metrics(value),
    });
    return {
      pool: [], failed: [],
      bestMember: { trialId: 0, genotypeId: 'x', validation: metrics(1), test: metrics(1), seconds: 1, testBySeverity: { 0: metrics(nll(method, 0) + 0.1), 5: metrics(nll(method, 5) + 0.1) } },
      ensembles: [ensemble(0, nll(method, 0)), ensemble(5, nll(method, 5))],
      // Selected on clean data and tested at 5: 0.05 worse than shift-aware selection, times the seed.
      cleanSelection: [{ ...ensemble(5, nll(method, 5) + 0.05 * seed), selectedOnSeverity: 0 }],
      anytime: [2, 4].map((networks) => ({ networks, size: 2, severity: 0, validationNll: 0, testNll: nll(method, 0) + 1 / networks, testError: 0.1, testEce: 0.01 })),
    };
  };
  const results = {
    run: `seed-${seed}`, nesVersion: '0', engine: 'wasm', workers: 2, seconds: 60 * (seed + 1),
    dataset: { name: 'synthetic', train: 10, validation: 10, test: 10, numClasses: 10, classNames: [], inputShape: [8, 8, 1], normalization: { mean: [0], std: [1] } },
    macro: { cells: 2, channels: 4, stemMultiplier: 1 }, training: config.training, table: [],
    methods: { rs: methodResults('rs'), deepens: methodResults('deepens') },
  } as unknown as SearchResults;
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  writeFileSync(join(dir, 'journal.jsonl'), '');
  writeFileSync(join(dir, 'results.json'), JSON.stringify(results));
}

describe('meanSe', () => {
  test('mean and sample standard deviation over √n; no standard error from one value', () => {
    assert.deepEqual(meanSe([1, 2, 3, 6]), { mean: 3, se: Math.sqrt(14 / 3 / 4), n: 4 });
    assert.deepEqual(meanSe([0.25]), { mean: 0.25, se: null, n: 1 });
    assert.throws(() => meanSe([]), RangeError);
  });
});

describe('compareRuns', () => {
  test('mean ± SE per method × M × severity, of every metric, the shift-aware gain, the best member and the anytime curve', () => {
    const folder = join(work, 'experiment');
    // NLL = base + 0.01·seed: mean base + 0.01, SE 0.01/√3 over seeds 0, 1, 2.
    const base: Record<string, number> = { 'rs:0': 0.3, 'rs:5': 0.9, 'deepens:0': 0.35, 'deepens:5': 1.0 };
    for (const seed of [0, 1, 2]) writeRun(join(folder, `seed-${seed}`), seed, (m, s) => base[`${m}:${s}`]! + 0.01 * seed);
    const comparison = compareRuns(loadComparedRuns([folder]));

    assert.deepEqual(comparison.seeds, [0, 1, 2]);
    assert.deepEqual(comparison.methods, ['rs', 'deepens']);
    assert.equal('seed' in comparison.config, false);
    assert.deepEqual(comparison.ensembles.map((r) => [r.method, r.size, r.severity]), [['rs', 2, 0], ['rs', 2, 5], ['deepens', 2, 0], ['deepens', 2, 5]]);
    const se = 0.01 / Math.sqrt(3);
    for (const row of comparison.ensembles) {
      const mean = base[`${row.method}:${row.severity}`]! + 0.01;
      const expected = metrics(mean);
      for (const [metric, value] of Object.entries(expected)) {
        const scale = value / mean;
        assert.ok(Math.abs(row.metrics[metric as keyof typeof expected].mean - value) < 1e-12, `${row.method} ${metric}`);
        assert.ok(Math.abs(row.metrics[metric as keyof typeof expected].se! - se * scale) < 1e-12, `${row.method} ${metric} se`);
      }
    }
    // Gain = 0.05·seed: mean 0.05, SE 0.05/√3.
    assert.deepEqual(comparison.shiftAwareGain.map((g) => g.method), ['rs'], 'deepens selects nothing');
    for (const gain of comparison.shiftAwareGain) {
      assert.equal(gain.severity, 5);
      assert.ok(Math.abs(gain.nll.mean - 0.05) < 1e-12 && Math.abs(gain.nll.se! - 0.05 / Math.sqrt(3)) < 1e-12);
    }
    const best = comparison.bestMember.find((b) => b.method === 'deepens' && b.severity === 5)!;
    assert.ok(Math.abs(best.metrics.nll.mean - 1.11) < 1e-12);
    assert.deepEqual(comparison.anytime.filter((p) => p.method === 'rs').map((p) => [p.networks, +p.testNll.mean.toFixed(6)]), [[2, 0.81], [4, 0.56]]);
  });

  test('runs that differ in more than the seed are refused, naming the differing keys', () => {
    const folder = join(work, 'mixed');
    writeRun(join(folder, 'a'), 0, () => 0.3);
    writeRun(join(folder, 'b'), 1, () => 0.3, { training: { epochs: 5 }, budget: 6 });
    assert.throws(() => loadComparedRuns([folder]), /b is not a repeat of .*a: their configs differ in budget \(4 vs 6\), training\.epochs \(15 vs 5\)/);
  });

  test('execution settings may differ; a repeated seed, an unfinished run or a folder without runs is refused', () => {
    const folder = join(work, 'checks');
    writeRun(join(folder, 'a'), 0, () => 0.3);
    writeRun(join(folder, 'b'), 1, () => 0.3, { execution: { workers: 1, engine: 'cpu' } });
    assert.equal(loadComparedRuns([folder]).length, 2);
    writeRun(join(work, 'again'), 1, () => 0.3);
    assert.throws(() => loadComparedRuns([folder, join(work, 'again')]), /both have seed 1: repeats need different seeds/);
    const unfinished = join(work, 'unfinished');
    writeRun(unfinished, 2, () => 0.3);
    rmSync(join(unfinished, 'results.json'));
    assert.throws(() => loadComparedRuns([folder, unfinished]), /the run has not finished/);
    mkdirSync(join(work, 'empty'));
    assert.throws(() => loadComparedRuns([join(work, 'empty')]), /neither a nes run folder nor a folder of runs/);
  });
});
