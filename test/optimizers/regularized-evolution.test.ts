import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forwardSelect } from '../../src/ensemble/forward-select.js';
import { RegularizedEvolution, type RegularizedEvolutionOptions } from '../../src/optimizers/regularized-evolution.js';
import type { Trial, TrialResult } from '../../src/optimizers/types.js';
import { loadSpace } from '../../src/space/load.js';
import { validateGenotype } from '../../src/space/validate.js';
import { createRng } from '../../src/util/rng.js';
import { fakeExecutor, type FakeOutcomes } from '../helpers/fake-executor.js';
import { recorded, scheduleMethod, type OptimizerCall } from '../helpers/scheduled-method.js';

const darts = loadSpace('darts');
const nb201 = loadSpace('nb201');
const finished = (probs: number[]): TrialResult => ({
  status: 'finished',
  validationTrueClassProbs: new Map([[0, Float32Array.from(probs)]]),
  validationNll: 0,
});

/** Schedules `search` on a fake executor whose results arrive in seeded random order. */
async function scheduleRandomly(search: RegularizedEvolution, workers: number, seed: string, outcomes: FakeOutcomes, onCall?: (call: OptimizerCall) => void): Promise<OptimizerCall[]> {
  const rng = createRng(seed);
  const { optimizer, calls } = recorded(search, onCall);
  await scheduleMethod(optimizer, fakeExecutor(workers, outcomes, (running) => rng.choice(running)), { outcomes });
  return calls;
}

test('population stays within P, drops the oldest, and parents come from the ForwardSelect candidates', async () => {
  const options: RegularizedEvolutionOptions = { space: darts, budget: 60, seed: 'semantics', populationSize: 6, parentCandidates: 3, severities: [0, 3] };
  const search = new RegularizedEvolution(options);
  // Independent model of the population: finished trials in report order, the last P kept.
  const model: { id: number; result: Extract<TrialResult, { status: 'finished' }> }[] = [];
  let mutations = 0;
  const outcomes = { points: 20, classes: 3, severities: [0, 3], failureRate: 0.15 };
  const calls = await scheduleRandomly(search, 3, 'farm', outcomes, (call) => {
    if ('tell' in call) {
      const [trial, result] = call.tell;
      if (result.status === 'finished') model.push({ id: trial.id, result });
      if (model.length > 6) model.shift();
      assert.deepEqual(search.populationIds(), model.map((m) => m.id));
    }
    assert.ok(search.populationIds().length <= 6);
    if (!('ask' in call) || call.ask === null || call.ask === 'wait') return;
    const trial = call.ask;
    assert.deepEqual(validateGenotype(darts, trial.genotype), []);
    if (trial.id < 6) {
      assert.equal(trial.origin.source, 'random');
      return;
    }
    mutations++;
    const origin = trial.origin;
    assert.equal(origin.source, 'mutation');
    if (origin.source !== 'mutation') return;
    assert.ok([0, 3].includes(origin.severity));
    // Recompute the selection over the population as it was at ask time.
    const pool = model.map((m) => m.result.validationTrueClassProbs.get(origin.severity)!);
    const expected = forwardSelect(pool, 3).map((index) => model[index]!.id);
    assert.deepEqual(origin.candidates, expected);
    assert.ok(origin.candidates.includes(origin.parent), 'parent must be one of the m selected');
  });
  const asked = calls.flatMap((call) => ('ask' in call && call.ask !== null && call.ask !== 'wait' ? [call.ask.id] : []));
  assert.deepEqual(asked, Array.from({ length: 60 }, (_, i) => i));
  assert.equal(mutations, 54);
  assert.ok(model.length > 0 && calls.some((call) => 'tell' in call && call.tell[1].status === 'failed'), 'some trials fail, some join');
  assert.equal(search.ask(), null);
});

test('waits while everything is in flight, and failed trials never join', () => {
  const search = new RegularizedEvolution({ space: nb201, budget: 10, seed: 'wait', populationSize: 2, parentCandidates: 2 });
  const first = search.ask() as Trial;
  const second = search.ask() as Trial;
  assert.equal(search.ask(), 'wait');
  search.tell(first, { status: 'failed', reason: 'out of memory' });
  assert.deepEqual(search.populationIds(), []);
  assert.equal(search.ask(), 'wait');
  search.tell(second, finished([0.9, 0.8, 0.7]));
  assert.deepEqual(search.populationIds(), [second.id]);
  const child = search.ask() as Trial;
  assert.equal(child.origin.source === 'mutation' ? child.origin.parent : undefined, second.id);
  assert.deepEqual(validateGenotype(nb201, child.genotype), []);
  assert.throws(() => search.tell(second, finished([0.5, 0.5, 0.5])), /not running/);
});

test('a result missing a selection severity is rejected before it changes anything', () => {
  const search = new RegularizedEvolution({ space: nb201, budget: 4, seed: 's', populationSize: 2, severities: [0, 5] });
  const trial = search.ask() as Trial;
  assert.throws(() => search.tell(trial, finished([0.5])), /no validation probabilities at severity 5/);
  assert.deepEqual(search.populationIds(), []);
});

test('same seed and same tells give the same proposals', async () => {
  const options: RegularizedEvolutionOptions = { space: darts, budget: 40, seed: 'determinism', populationSize: 5, parentCandidates: 3 };
  const outcomes = { points: 20, classes: 3, severities: [0], failureRate: 0.1 };
  const proposals = (calls: OptimizerCall[]) => calls.flatMap((call) => ('ask' in call ? [call.ask] : []));
  const farm = (search: RegularizedEvolution) => scheduleRandomly(search, 2, 'farm-d', outcomes);
  const reference = await farm(new RegularizedEvolution(options));
  assert.deepEqual(proposals(await farm(new RegularizedEvolution(options))), proposals(reference));
  assert.notDeepEqual(proposals(await farm(new RegularizedEvolution({ ...options, seed: 'other' }))), proposals(reference));
  // Resuming relies on this: a fresh optimizer told the same asks and tells proposes the same.
  // test/search/journal-replay.test.ts checks it through the journal replay of a resumed run.
});
