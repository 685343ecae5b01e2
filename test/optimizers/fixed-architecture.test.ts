import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FixedArchitecture } from '../../src/optimizers/fixed-architecture.js';
import type { Trial } from '../../src/optimizers/types.js';
import { genotypeId } from '../../src/space/id.js';
import { loadSpace } from '../../src/space/load.js';
import { loadNamedGenotype } from '../../src/space/named.js';
import type { DartsGenotype } from '../../src/space/types.js';

const darts = loadSpace('darts');
const dartsV2 = loadNamedGenotype('darts-v2');

function drain(search: FixedArchitecture): Trial[] {
  const trials: Trial[] = [];
  for (let proposal = search.ask(); proposal !== null; proposal = search.ask()) trials.push(proposal);
  return trials;
}

test('proposes the one architecture `count` times with distinct, reproducible seeds', () => {
  const trials = drain(new FixedArchitecture({ genotype: dartsV2, count: 10, seed: 3, space: darts }));
  assert.equal(trials.length, 10);
  for (const trial of trials) assert.deepEqual(trial.genotype, dartsV2);
  trials.forEach((trial, member) => assert.deepEqual(trial.origin, { source: 'fixed', architecture: genotypeId(dartsV2), member }));
  assert.equal(new Set(trials.map((t) => t.seed)).size, 10);
  assert.deepEqual(drain(new FixedArchitecture({ genotype: dartsV2, count: 10, seed: 3 })), trials);
  assert.notDeepEqual(drain(new FixedArchitecture({ genotype: dartsV2, count: 10, seed: 4 })).map((t) => t.seed), trials.map((t) => t.seed));
});

test('proposals are independent copies, and invalid genotypes are refused', () => {
  const options = { genotype: dartsV2, count: 5, seed: 'fixed' };
  const reference = drain(new FixedArchitecture(options));
  const first = new FixedArchitecture(options);
  const early = [first.ask(), first.ask()] as Trial[];
  (early[0]!.genotype as DartsGenotype).normal[0]![0]!.op = 'avg_pool_3x3';
  assert.deepEqual(first.ask()!.genotype, dartsV2);
  assert.deepEqual(drain(first), reference.slice(3));

  const broken = structuredClone(dartsV2) as DartsGenotype;
  broken.reduce[0]![1]!.input = 3;
  assert.throws(() => new FixedArchitecture({ genotype: broken, count: 2, seed: 1, space: darts }), /reduce\[0\]\[1\]\.input: 3/);
});
