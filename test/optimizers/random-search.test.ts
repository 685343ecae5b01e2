import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RandomSearch } from '../../src/optimizers/random-search.js';
import type { Trial } from '../../src/optimizers/types.js';
import { loadSpace } from '../../src/space/load.js';
import { validateGenotype } from '../../src/space/validate.js';
import { genotypeId } from '../../src/space/id.js';

const darts = loadSpace('darts');

function drain(search: RandomSearch): Trial[] {
  const trials: Trial[] = [];
  for (let proposal = search.ask(); proposal !== null; proposal = search.ask()) trials.push(proposal);
  return trials;
}

test('proposes exactly `budget` valid random genotypes with ids 0..K-1, then null', () => {
  const trials = drain(new RandomSearch({ space: darts, budget: 25, seed: 1 }));
  assert.deepEqual(trials.map((t) => t.id), Array.from({ length: 25 }, (_, i) => i));
  for (const trial of trials) {
    assert.deepEqual(validateGenotype(darts, trial.genotype), []);
    assert.ok(Number.isInteger(trial.seed));
    assert.deepEqual(trial.origin, { source: 'random' });
  }
  assert.ok(new Set(trials.map((t) => genotypeId(t.genotype))).size > 20);
  assert.ok(new Set(trials.map((t) => t.seed)).size > 20);
  assert.deepEqual(drain(new RandomSearch({ space: darts, budget: 0, seed: 1 })), []);
});

test('same seed ⇒ same proposals; another seed ⇒ different ones', () => {
  const a = drain(new RandomSearch({ space: darts, budget: 10, seed: 'rs' }));
  const b = drain(new RandomSearch({ space: darts, budget: 10, seed: 'rs' }));
  const c = drain(new RandomSearch({ space: darts, budget: 10, seed: 'rs2' }));
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

test('tells do not steer the stream, and a repeated or unknown tell fails loudly', () => {
  const options = { space: darts, budget: 12, seed: 'tells' };
  const reference = drain(new RandomSearch(options));
  const search = new RandomSearch(options);
  const early = [search.ask(), search.ask(), search.ask()] as Trial[];
  search.tell(early[0]!, { status: 'failed', reason: 'x' });
  search.tell(early[1]!, { status: 'failed', reason: 'x' });
  assert.deepEqual([...early, ...drain(search)], reference);
  assert.throws(() => search.tell(early[0]!, { status: 'failed', reason: 'x' }), /not running/);
  assert.throws(() => search.tell({ ...early[0]!, id: 99 }, { status: 'failed', reason: 'x' }), /not running/);
});
