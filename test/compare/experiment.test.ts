import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Comparison } from '../../src/compare/index.js';
import { CHROMIUM, inChromium, plotMarks } from '../helpers/chromium.js';
import { runCli } from '../helpers/cli.js';
import { TINY_SEARCH } from '../helpers/tiny-search.js';

const PLOTS = ['size', 'severity', 'anytime', 'anytime-epochs', 'shift-aware'];
let work: string;
let configPath: string;

before(() => {
  work = mkdtempSync(join(tmpdir(), 'nes-experiment-'));
  configPath = join(work, 'tiny-experiment.json');
  writeFileSync(configPath, JSON.stringify({ ...TINY_SEARCH, methods: ['rs', 'deepens'] }));
});
after(() => rmSync(work, { recursive: true, force: true }));

test('nes experiment runs the config once per seed and compares; nes compare renders every plot in Chromium', async (t) => {
  const runsDir = join(work, 'runs');
  const first = await runCli(['experiment', '--config', configPath, '--seeds', '3,4', '--runs-dir', runsDir, '--quiet']);
  assert.equal(first.code, 0, first.stderr);
  const folder = join(runsDir, 'tiny-experiment');
  for (const seed of [3, 4]) {
    const config = JSON.parse(readFileSync(join(folder, `seed-${seed}`, 'config.json'), 'utf8'));
    assert.equal(config.seed, seed);
    assert.ok(existsSync(join(folder, `seed-${seed}`, 'results.json')));
  }
  assert.match(first.stdout, /2 runs, seeds 3, 4; mean ± standard error over seeds/);
  assert.match(first.stdout, /NES-RS\s+2\s+0\s+\d\.\d{4} ± \d\.\d{4}/);
  assert.match(first.stdout, /DeepEns \(DARTS\)\s+2\s+2\s/);

  // The seeds are independent: their pools differ.
  const pool = (seed: number) => JSON.parse(readFileSync(join(folder, `seed-${seed}`, 'results.json'), 'utf8')).methods.rs.pool.map((m: { genotypeId: string }) => m.genotypeId);
  assert.notDeepEqual(pool(3), pool(4));

  // Again: both seeds are kept, nothing retrains.
  const again = await runCli(['experiment', '--config', configPath, '--seeds', '3,4', '--runs-dir', runsDir, '--quiet']);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /seed 3: finished earlier[\s\S]*seed 4: finished earlier/);
  assert.doesNotMatch(again.stdout, /training \d+ networks/);

  // Another config under the same name is refused before anything trains.
  writeFileSync(configPath, JSON.stringify({ ...TINY_SEARCH, methods: ['rs', 'deepens'], budget: 4 }));
  const changed = await runCli(['experiment', '--config', configPath, '--seeds', '3,4', '--runs-dir', runsDir]);
  assert.equal(changed.code, 2);
  assert.match(changed.stderr, /was made with another config: they differ in budget \(3 vs 4\); use another --name/);

  const out = join(work, 'compared');
  const compared = await runCli(['compare', folder, '--out', out, '--severity', '0']);
  assert.equal(compared.code, 0, compared.stderr);
  assert.doesNotMatch(compared.stdout, /NES-RS\s+2\s+2\s/);
  const comparison = JSON.parse(readFileSync(join(out, 'compare.json'), 'utf8')) as Comparison;
  assert.deepEqual(comparison.seeds, [3, 4]);
  assert.deepEqual(comparison.methods, ['rs', 'deepens']);
  assert.equal(comparison.ensembles.length, 4);
  assert.ok(comparison.ensembles.every((row) => row.metrics.nll.n === 2 && row.metrics.nll.se !== null));
  // Every network trains the whole schedule, no spread across seeds: NES-RS its budget, DeepEns M seeds.
  const epochs = TINY_SEARCH.budget * TINY_SEARCH.training.epochs;
  const [size] = TINY_SEARCH.ensembleSizes;
  assert.deepEqual(comparison.compute.map((row) => [row.method, row.epochs.mean, row.epochs.se, row.networks.mean]), [['rs', epochs, 0, 3], ['deepens', size! * TINY_SEARCH.training.epochs, 0, size]]);
  assert.ok(comparison.compute.every((row) => row.trainSeconds.mean > 0));
  assert.equal(comparison.anytimeByEpochs.filter((p) => p.method === 'rs').at(-1)!.epochs, epochs);
  assert.match(compared.stdout, /compute \(summed over workers\):\n.*epochs trained/);

  const html = readFileSync(join(out, 'compare.html'), 'utf8');
  assert.doesNotMatch(html, /<script|<link|<img|<iframe|@import|url\(http/i);
  const problems = await inChromium(join(out, 'compare.html'), 'compare', async (page) => {
    for (const plot of PLOTS) {
      const { marks, width, height } = await plotMarks(page, plot);
      assert.ok(marks > 0, `${plot}: no marks rendered`);
      assert.ok(width > 200 && height > 150, `${plot}: rendered as ${width}×${height}`);
    }
  });
  if (problems === undefined) t.skip(`${CHROMIUM} not installed (apt-get install -y chromium)`);
  else assert.deepEqual(problems, []);
});

test('nes compare refuses runs of different configs and says how to fix it', async () => {
  const result = await runCli(['compare', join(work, 'no-such-folder')]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /no-such-folder: no such folder/);
  const usage = await runCli(['compare']);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /needs at least one run folder/);
});
