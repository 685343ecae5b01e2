import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNpy } from '../../src/data/npy.js';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'nes-select-'));
// Three members on four points of two classes (labels 0, 1, 0, 1).
// Member 0 is best alone; member 2 errs where member 0 is unsure, so {0, 2} beats {0, 1}.
const pool = [
  [0.9, 0.1, 0.2, 0.8, 0.6, 0.4, 0.3, 0.7],
  [0.8, 0.2, 0.3, 0.7, 0.4, 0.6, 0.2, 0.8],
  [0.6, 0.4, 0.45, 0.55, 0.9, 0.1, 0.4, 0.6],
];
const poolPath = join(dir, 'pool.npy');
const labelsPath = join(dir, 'labels.npy');
writeNpy(poolPath, { dtype: 'float32', shape: [3, 4, 2], data: Float32Array.from(pool.flat()) });
writeNpy(labelsPath, { dtype: 'int64', shape: [4], data: BigInt64Array.from([0n, 1n, 0n, 1n]) });

const meanNll = (members: number[][]) => {
  let total = 0;
  for (let point = 0; point < 4; point++) {
    const label = point % 2;
    const p = members.reduce((sum, m) => sum + m[point * 2 + label]!, 0) / members.length;
    total -= Math.log(p);
  }
  return total / 4;
};

test('nes select: forward selection from the best single member, ensemble metrics as JSON', async () => {
  const result = await runCli(['select', '--pool', poolPath, '--labels', labelsPath, '--size', '2']);
  assert.equal(result.code, 0, result.stderr);
  const output = JSON.parse(result.stdout);
  const singles = pool.map((m) => meanNll([m]));
  const best = singles.indexOf(Math.min(...singles));
  assert.equal(output.members[0], best);
  const pairs = [0, 1, 2].filter((i) => i !== best).map((i) => [i, meanNll([pool[best]!, pool[i]!])] as const);
  const partner = pairs.reduce((a, b) => (b[1] < a[1] ? b : a))[0];
  assert.deepEqual(output.members, [best, partner]);
  assert.ok(Math.abs(output.nll - meanNll([pool[best]!, pool[partner]!])) < 1e-6);
  assert.equal(output.method, 'forward');
  assert.equal(typeof output.ece, 'number');
});

test('nes select: caruana reports per-member weights; top picks by single-model NLL', async () => {
  const caruana = JSON.parse((await runCli(['select', '--pool', poolPath, '--labels', labelsPath, '--size', '4', '--method', 'caruana'])).stdout);
  assert.equal(caruana.members.length, 4);
  assert.equal(caruana.weights.length, 3);
  assert.ok(Math.abs(caruana.weights.reduce((a: number, b: number) => a + b, 0) - 1) < 1e-9);
  const top = JSON.parse((await runCli(['select', '--pool', poolPath, '--labels', labelsPath, '--size', '2', '--method', 'top'])).stdout);
  const order = pool.map((m, i) => [meanNll([m]), i] as const).sort((a, b) => a[0] - b[0]).map(([, i]) => i);
  assert.deepEqual(top.members, order.slice(0, 2));
});

test('nes metrics: one model, and members with diversity metrics', async () => {
  const single = join(dir, 'single.npy');
  writeNpy(single, { dtype: 'float32', shape: [4, 2], data: Float32Array.from(pool[0]!) });
  const one = JSON.parse((await runCli(['metrics', '--probs', single, '--labels', labelsPath, '--bins', '10'])).stdout);
  assert.ok(Math.abs(one.nll - meanNll([pool[0]!])) < 1e-6);
  assert.equal(one.error, 0);
  assert.equal(one.reliability.length, 10);
  assert.equal(one.disagreement, undefined);
  const all = JSON.parse((await runCli(['metrics', '--probs', poolPath, '--labels', labelsPath])).stdout);
  assert.equal(all.members, 3);
  assert.ok(Math.abs(all.nll - meanNll(pool)) < 1e-6);
  assert.ok(Math.abs(all.ambiguity - (all.avgMemberNll - all.nll)) < 1e-9);
  assert.equal(all.memberMetrics.length, 3);
  assert.ok(all.disagreement > 0);
});

test('nes select refuses one model as a pool and reports the size it really returned', async () => {
  const single = join(dir, 'one-model.npy');
  writeNpy(single, { dtype: 'float32', shape: [4, 2], data: Float32Array.from(pool[0]!) });
  const flat = await runCli(['select', '--pool', single, '--labels', labelsPath, '--size', '2']);
  assert.equal(flat.code, 2);
  assert.match(flat.stderr, /shape \(4, 2\) is one model's predictions; a pool is \(K, N, C\)/);

  const tooMany = await runCli(['select', '--pool', poolPath, '--labels', labelsPath, '--size', '10']);
  assert.equal(tooMany.code, 0, tooMany.stderr);
  const output = JSON.parse(tooMany.stdout);
  assert.equal(output.members.length, 3);
  assert.equal(output.size, 3);
  assert.equal(output.requestedSize, 10);
  assert.match(tooMany.stderr, /the pool has 3 members, so the ensemble has 3, not 10/);
  const caruana = JSON.parse((await runCli(['select', '--pool', poolPath, '--labels', labelsPath, '--size', '10', '--method', 'caruana'])).stdout);
  assert.equal(caruana.size, 10);
  assert.equal(caruana.members.length, 10);
});

test('nes metrics and nes select refuse rows that are not probability distributions, with the softmax hint', async () => {
  const doubled = join(dir, 'doubled.npy');
  writeNpy(doubled, { dtype: 'float32', shape: [4, 2], data: Float32Array.from(pool[0]!.map((p) => Math.min(1, 2 * p))) });
  const metrics = await runCli(['metrics', '--probs', doubled, '--labels', labelsPath]);
  assert.equal(metrics.code, 2);
  assert.match(metrics.stderr, /row 0 sums to 1\.20000, not 1: rows must be probability distributions; if these are logits, apply a softmax/);
  const logits = join(dir, 'logits.npy');
  writeNpy(logits, { dtype: 'float64', shape: [3, 4, 2], data: Float64Array.from(pool.flat().map((p) => Math.log(p))) });
  const select = await runCli(['select', '--pool', logits, '--labels', labelsPath, '--size', '2']);
  assert.equal(select.code, 2);
  assert.match(select.stderr, /is not a probability in \[0, 1\]; if these are logits, apply a softmax/);
  // float32 rounding of a real softmax stays well inside the tolerance.
  const rounded = join(dir, 'rounded.npy');
  writeNpy(rounded, { dtype: 'float32', shape: [4, 2], data: Float32Array.from(pool[0]!.map((p, i) => (i % 2 === 0 ? p + 1e-5 : p))) });
  assert.equal((await runCli(['metrics', '--probs', rounded, '--labels', labelsPath])).code, 0);
});
