import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, drawSeed, MAX_SEED } from '../../src/util/rng.js';

test('same seed gives the same stream; different seeds differ', () => {
  const a = createRng('x');
  const b = createRng('x');
  const c = createRng('y');
  const streamA = Array.from({ length: 10 }, () => a.next());
  assert.deepEqual(streamA, Array.from({ length: 10 }, () => b.next()));
  assert.notDeepEqual(streamA, Array.from({ length: 10 }, () => c.next()));
  assert.deepEqual(
    Array.from({ length: 5 }, () => createRng(7).int(100)),
    Array.from({ length: 5 }, () => createRng('7').int(100)),
  );
});

test('int, choice and drawSeed stay in range and cover it', () => {
  const rng = createRng('range');
  const seen = new Set<number>();
  for (let i = 0; i < 500; i++) {
    const value = rng.int(7);
    assert.ok(Number.isInteger(value) && value >= 0 && value < 7);
    seen.add(value);
    const seed = drawSeed(rng);
    assert.ok(Number.isInteger(seed) && seed >= 0 && seed < MAX_SEED);
  }
  assert.equal(seen.size, 7);
  assert.ok(['a', 'b'].includes(rng.choice(['a', 'b'])));
  assert.throws(() => rng.choice([]), RangeError);
  assert.throws(() => rng.int(0), RangeError);
});
