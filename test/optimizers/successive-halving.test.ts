import assert from 'node:assert/strict';
import { test } from 'node:test';
import { legEpochs, defaultLadder, type FidelityLadder } from '../../src/optimizers/promotion.js';
import { RandomSearch } from '../../src/optimizers/random-search.js';
import { RegularizedEvolution } from '../../src/optimizers/regularized-evolution.js';
import { SuccessiveHalving } from '../../src/optimizers/successive-halving.js';
import { TrialIds } from '../../src/optimizers/trial-ledger.js';
import { networkOf, type Trial, type TrialResult } from '../../src/optimizers/types.js';
import type { JournalEvent } from '../../src/run/journal.js';
import { loadSpace } from '../../src/space/load.js';
import { createRng } from '../../src/util/rng.js';
import { fakeExecutor } from '../helpers/fake-executor.js';
import { scheduleMethod } from '../helpers/scheduled-method.js';

const nb201 = loadSpace('nb201');
const LADDER: FidelityLadder = { epochs: [1, 3, 9], eta: 3 };
const OUTCOMES = { points: 12, classes: 3, severities: [0], failureRate: 0.1 };

function rsSh(epochBudget: number, ladder = LADDER): SuccessiveHalving {
  const ids = new TrialIds();
  return new SuccessiveHalving({ inner: new RandomSearch({ space: nb201, budget: Number.MAX_SAFE_INTEGER, seed: 'sh', ids }), ids, ladder, rule: 'ensemble', epochBudget });
}

function reSh(epochBudget: number): SuccessiveHalving {
  const ids = new TrialIds();
  const inner = new RegularizedEvolution({ space: nb201, budget: Number.MAX_SAFE_INTEGER, seed: 'sh', ids, populationSize: 5, parentCandidates: 2 });
  return new SuccessiveHalving({ inner, ids, ladder: LADDER, rule: 'ensemble', epochBudget });
}

const proposals = (journal: JournalEvent[]): Trial[] => journal.flatMap((e) => (e.event === 'proposed' ? [e.trial] : []));

/** Checks what every multi-fidelity schedule must hold and returns its epochs trained. */
function checkLegs(journal: JournalEvent[], ladder: FidelityLadder, epochBudget: number): number {
  const trials = proposals(journal);
  const finished = new Set(journal.flatMap((e) => (e.event === 'finished' ? [e.trialId] : [])));
  const byId = new Map(trials.map((t) => [t.id, t]));
  assert.deepEqual(trials.map((t) => t.id), trials.map((_, i) => i), 'one id sequence for networks and promotions');
  const latest = new Map<number, number>();
  for (const event of journal) {
    if (event.event === 'proposed') {
      const trial = event.trial;
      assert.ok(trial.fidelity, `trial ${trial.id} has a fidelity`);
      if (trial.origin.source === 'promotion') {
        const from = byId.get(trial.origin.from)!;
        assert.ok(finished.has(from.id), 'a promotion continues a finished leg');
        assert.equal(latest.get(trial.origin.network), from.id, 'a promotion continues the network\'s latest finished leg');
        assert.equal(trial.fidelity.rung, from.fidelity!.rung + 1);
        assert.equal(trial.seed, from.seed);
        assert.deepEqual(trial.genotype, from.genotype);
      } else {
        assert.equal(trial.fidelity.rung, 0);
      }
      assert.equal(trial.fidelity.epochs, ladder.epochs[trial.fidelity.rung]);
    }
    if (event.event === 'finished') {
      const trial = byId.get(event.trialId)!;
      latest.set(networkOf(trial), trial.id);
    }
  }
  const epochs = trials.reduce((sum, t) => sum + legEpochs(ladder, t.fidelity!.rung), 0);
  assert.ok(epochs <= epochBudget, `${epochs} epochs within the budget of ${epochBudget}`);
  assert.ok(epochs > epochBudget - legEpochs(ladder, ladder.epochs.length - 1), `${epochs} epochs: the budget of ${epochBudget} is used up`);
  return epochs;
}

test('rs-sh: networks start at the bottom rung, promotions continue their latest leg, the epoch budget holds', async () => {
  const rng = createRng('order');
  const { journal, pool } = await scheduleMethod(rsSh(90), fakeExecutor(3, OUTCOMES, (running) => rng.choice(running)), { outcomes: OUTCOMES });
  checkLegs(journal, LADDER, 90);
  const trials = proposals(journal);
  const rungs = trials.map((t) => t.fidelity!.rung);
  assert.ok(rungs.includes(2), 'some network reaches the top rung');
  const started = trials.filter((t) => t.origin.source !== 'promotion').length;
  assert.ok(started > 90 / 9, `${started} networks started, more than the ${90 / 9} a full-budget search trains`);
  // Each rung holds fewer networks than the one below (about one in eta goes on).
  const reached = (r: number) => new Set(trials.filter((t) => t.fidelity!.rung === r).map(networkOf)).size;
  assert.ok(reached(0) > reached(1) && reached(1) > reached(2), `networks per rung: ${[0, 1, 2].map(reached).join(', ')}`);
  assert.ok(pool.members.length > 0);
});

test('re-sh: the inner NES-RE mutates networks, whose ids are those of their first legs', async () => {
  const rng = createRng('re-order');
  const { journal } = await scheduleMethod(reSh(80), fakeExecutor(2, OUTCOMES, (running) => rng.choice(running)), { outcomes: OUTCOMES });
  checkLegs(journal, LADDER, 80);
  const trials = proposals(journal);
  const mutations = trials.filter((t) => t.origin.source === 'mutation');
  assert.ok(mutations.length > 0);
  for (const child of mutations) {
    if (child.origin.source !== 'mutation') continue;
    const parent = trials[child.origin.parent]!;
    assert.notEqual(parent.origin.source, 'promotion', 'a parent is a network (its first leg), not a promotion');
    for (const candidate of child.origin.candidates) assert.notEqual(trials[candidate]!.origin.source, 'promotion');
  }
});

test('resuming from any cut of the journal proposes what the uninterrupted search proposed', async () => {
  const outcomes = { ...OUTCOMES, failureRate: 0.15 };
  const first = (running: number[]) => running[0]!;
  for (const make of [() => rsSh(40), () => reSh(40)]) {
    const reference = await scheduleMethod(make(), fakeExecutor(1, outcomes, first), { outcomes });
    const expected = proposals(reference.journal);
    for (let cut = 1; cut < reference.journal.length; cut += 3) {
      const before = reference.journal.slice(0, cut);
      const resumed = await scheduleMethod(make(), fakeExecutor(1, outcomes, first), { resume: before, outcomes });
      assert.deepEqual([...proposals(before), ...proposals(resumed.journal)], expected, `cut at ${cut}`);
    }
  }
});

test('a larger epoch budget replays the smaller one and goes on', async () => {
  const first = (running: number[]) => running[0]!;
  const small = await scheduleMethod(rsSh(30), fakeExecutor(2, OUTCOMES, first), { outcomes: OUTCOMES });
  const grown = await scheduleMethod(rsSh(60), fakeExecutor(2, OUTCOMES, first), { resume: small.journal, outcomes: OUTCOMES });
  const all = [...proposals(small.journal), ...proposals(grown.journal)];
  assert.ok(proposals(grown.journal).length > 0);
  checkLegs([...small.journal, ...grown.journal], LADDER, 60);
  assert.deepEqual(all.map((t) => t.id), all.map((_, i) => i));
});

test('a failed promotion leaves its network at the rung below, and NES-RE reads the best rung reached', () => {
  const result = (probs: number[], nll: number): TrialResult => ({ status: 'finished', validationTrueClassProbs: new Map([[0, Float32Array.from(probs)]]), validationNll: nll });
  const ids = new TrialIds();
  const inner = new RegularizedEvolution({ space: nb201, budget: 100, seed: 'update', ids, populationSize: 3, parentCandidates: 1 });
  const search = new SuccessiveHalving({ inner, ids, ladder: { epochs: [1, 2], eta: 3 }, rule: 'single', epochBudget: 100 });
  const starts = [0, 1, 2].map(() => search.ask() as Trial);
  search.tell(starts[0]!, result([0.9, 0.9], 0.1));
  search.tell(starts[1]!, result([0.5, 0.5], 0.7));
  search.tell(starts[2]!, result([0.4, 0.4], 0.9));
  const promotion = search.ask() as Trial;
  assert.deepEqual(promotion.origin, { source: 'promotion', network: 0, from: 0 });
  search.tell(promotion, { status: 'failed', reason: 'diverged' });
  // With one parent candidate NES-RE mutates the best member of its population.
  const child = search.ask() as Trial;
  assert.equal(child.origin.source === 'mutation' && child.origin.parent, 0);
  // Network 2, promoted by hand through update(), is now the best: NES-RE mutates it.
  inner.update(2, result([0.99, 0.99], 0.01) as Extract<TrialResult, { status: 'finished' }>);
  const next = search.ask() as Trial;
  assert.equal(next.origin.source === 'mutation' && next.origin.parent, 2);
});

test('the default ladder divides the schedule by eta while an epoch is left', () => {
  assert.deepEqual(defaultLadder(15, 3), [2, 5, 15]);
  assert.deepEqual(defaultLadder(27, 3), [1, 3, 9, 27]);
  assert.deepEqual(defaultLadder(2, 3), [2], 'too short a schedule for a ladder');
  assert.deepEqual(defaultLadder(1, 3), [1]);
  assert.deepEqual(defaultLadder(8, 2), [1, 2, 4, 8]);
});
