import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { METHODS } from '../../src/run/config-schema.js';
import { resolveConfig } from '../../src/run/config.js';
import type { JournalEvent } from '../../src/run/journal.js';
import { createRun } from '../../src/run/run-folder.js';
import { isMultiFidelity, methodSelection, plannedNetworks } from '../../src/run/method-rules.js';
import { findRunFolders, listRuns, searchedSeconds } from '../../src/run/run-status.js';
import { loadConfigInputs } from '../../src/search/config-inputs.js';
import { planMethod } from '../../src/search/methods.js';
import { sampleGenotype } from '../../src/space/sample.js';
import { createRng } from '../../src/util/rng.js';

test("plannedNetworks is what each method's optimizer proposes; methodSelection takes the first M for the DeepEns seeds", () => {
  const config = resolveConfig({ methods: [...METHODS], budget: 7, ensembleSizes: [2, 5], re: { population: 3, parents: 2 } });
  const inputs = loadConfigInputs(config);
  const genotype = sampleGenotype(inputs.space, createRng('status'));
  const rs = { method: 'rs', failed: [], members: [{ trialId: 0, genotype, validationNll: 1 }] } as never;
  const result = { status: 'finished' as const, validationTrueClassProbs: new Map([[0, new Float32Array([0.5, 0.9])]]), validationNll: 0.4 };
  for (const method of METHODS) {
    const { optimizer } = planMethod(method, config, inputs, [rs]);
    let proposed = 0;
    for (let trial = optimizer.ask(); trial !== null; trial = optimizer.ask()) {
      assert.notEqual(trial, 'wait', `${method}: every trial is told before the next ask`);
      if (trial === 'wait') break;
      proposed++;
      optimizer.tell(trial, result);
    }
    // Successive halving's count depends on which networks the ensemble needs: the plan is an estimate there.
    if (isMultiFidelity(method)) assert.ok(Math.abs(plannedNetworks(method, config) - proposed) <= 0.1 * proposed, `${method}: ${plannedNetworks(method, config)} planned, ${proposed} proposed`);
    else assert.equal(plannedNetworks(method, config), proposed, method);
    assert.equal(methodSelection(method, config).method, method === 'deepens' || method === 'deepens-rs' ? 'first' : config.selection.method, method);
  }
});

test('searchedSeconds adds the parts of a run and leaves out the pause between a kill and its resume', () => {
  const at = (seconds: number, event: JournalEvent['event']) => ({ time: new Date(Date.UTC(2026, 0, 1, 0, 0, seconds)).toISOString(), event }) as JournalEvent;
  const events = [at(0, 'run-started'), at(10, 'proposed'), at(30, 'finished'), at(100, 'run-resumed'), at(105, 'finished')];
  assert.equal(searchedSeconds(events), 30 + 5);
  assert.equal(searchedSeconds(events, Date.UTC(2026, 0, 1, 0, 0, 120)), 30 + 20);
  assert.equal(searchedSeconds([]), 0);
});

test('runs are found in the folder and one level of experiment folders below; a damaged journal is unreadable, not fatal', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nes-status-'));
  const config = resolveConfig({ budget: 3, ensembleSizes: [2] });
  createRun(dir, config, 'plain');
  createRun(join(dir, 'experiment'), config, 'seed-0');
  const damaged = createRun(dir, config, 'damaged');
  writeFileSync(damaged.journalPath, '{"broken\n{"time":"2026-01-01T00:00:00.000Z","event":"run-finished","seconds":1}\n');
  mkdirSync(join(dir, 'not-a-run'));
  assert.deepEqual(findRunFolders(dir).map((d) => d.slice(dir.length + 1)), ['damaged', join('experiment', 'seed-0'), 'plain']);
  const runs = listRuns(dir);
  assert.deepEqual(runs.map((r) => [r.id, r.state]), [['damaged', 'unreadable'], [join('experiment', 'seed-0'), 'interrupted'], ['plain', 'interrupted']]);
  assert.match(runs[0]!.detail, /line 1 is damaged/);
  assert.deepEqual(runs[2]!.progress, [{ method: 'rs', trained: 0, failed: 0, planned: 3 }]);
  assert.equal(runs[2]!.detail, 'no results.json, and no process holds its lock');
});
