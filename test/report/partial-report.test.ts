import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNpy } from '../../src/data/npy.js';
import { leaderboardRows } from '../../src/report/leaderboard.js';
import { readRunSnapshot } from '../../src/report/run-snapshot.js';
import { writeRunReport } from '../../src/report/write-report.js';
import { resolveConfig } from '../../src/run/config.js';
import { Journal } from '../../src/run/journal.js';
import { createRun } from '../../src/run/run-folder.js';
import { loadSpace } from '../../src/space/load.js';
import { sampleGenotype } from '../../src/space/sample.js';
import { createRng } from '../../src/util/rng.js';

test('a run killed before its first network finished still gets a partial report and leaderboard that say so', async () => {
  const run = createRun(mkdtempSync(join(tmpdir(), 'nes-partial-')), resolveConfig({ budget: 4, ensembleSizes: [2] }), 'early');
  mkdirSync(join(run.dir, 'labels'));
  for (const split of ['validation', 'test']) writeNpy(join(run.dir, 'labels', `${split}.npy`), { dtype: 'uint8', shape: [6], data: Uint8Array.from([0, 1, 2, 3, 4, 9]) });
  const journal = new Journal(run.journalPath);
  journal.append({ event: 'run-started', methods: ['rs'], engine: 'wasm', workers: 2 });
  const genotype = sampleGenotype(loadSpace('darts'), createRng('early'));
  journal.append({ event: 'proposed', method: 'rs', trial: { id: 0, genotype, seed: 5, origin: { source: 'random' } } });
  journal.append({ event: 'started', method: 'rs', trialId: 0, attempt: 1 });
  journal.close();

  const { path, snapshot } = await writeRunReport(run.dir);
  assert.equal(snapshot.partial, true);
  assert.equal(snapshot.status.state, 'interrupted');
  assert.equal(snapshot.results.dataset.numClasses, 10);
  const html = readFileSync(path, 'utf8');
  assert.match(html, /<b>Partial report<\/b> of 0 of 4 networks \(rs 0\/4\)/);
  assert.match(html, /No loss curves: no network has finished training/);
  assert.match(html, /No network has finished yet/);
  assert.deepEqual(leaderboardRows(readRunSnapshot(run.dir)), []);
  assert.deepEqual(
    leaderboardRows(readRunSnapshot(run.dir), { all: true }).map((r) => [r.trialId, r.status, r.seed, r.origin, r.validationNll]),
    [[0, 'unfinished', 5, 'random', null]],
  );
});
