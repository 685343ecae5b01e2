import { test } from 'node:test';
import assert from 'node:assert/strict';
import { caruanaSelect } from '../../src/ensemble/caruana.js';
import { forwardSelect } from '../../src/ensemble/forward-select.js';
import { SELECTION_METHODS, select, selectsWithReplacement } from '../../src/ensemble/select.js';
import { topSelect } from '../../src/ensemble/top.js';
import { createRng } from '../../src/util/rng.js';

const rng = createRng('select');
const pool = Array.from({ length: 6 }, () => Float32Array.from({ length: 30 }, () => 0.05 + 0.9 * rng.next()));

test('select() dispatches every method to its algorithm and weights members by their picks', () => {
  assert.deepEqual([...SELECTION_METHODS], ['forward', 'caruana', 'top']);
  assert.deepEqual(select('forward', pool, 3, { beam: 2 }).members, forwardSelect(pool, 3, { beam: 2 }));
  assert.deepEqual(select('top', pool, 3).members, topSelect(pool, 3));
  assert.deepEqual(select('caruana', pool, 8), caruanaSelect(pool, 8));
  assert.deepEqual(select('first', pool, 4).members, [0, 1, 2, 3]);
  assert.deepEqual(select('first', pool, 9).members, [0, 1, 2, 3, 4, 5]);
  const forward = select('forward', pool, 4);
  assert.deepEqual(forward.weights, pool.map((_, index) => (forward.members.includes(index) ? 0.25 : 0)));
  assert.deepEqual(select('forward', pool, 0).weights, [0, 0, 0, 0, 0, 0]);
  assert.deepEqual(SELECTION_METHODS.filter(selectsWithReplacement), ['caruana']);
});
