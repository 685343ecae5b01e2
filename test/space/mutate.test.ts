import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSpace } from '../../src/space/load.js';
import { validateGenotype } from '../../src/space/validate.js';
import { sampleGenotype } from '../../src/space/sample.js';
import { mutate } from '../../src/space/mutate.js';
import { genotypeId } from '../../src/space/id.js';
import { createRng } from '../../src/util/rng.js';
import type { CellEdge, DartsGenotype, Nb201Genotype } from '../../src/space/types.js';

const darts = loadSpace('darts');
const nb201 = loadSpace('nb201');

/** Every (cell, node, edge) position whose edge differs between two DARTS genotypes. */
function changedEdges(a: DartsGenotype, b: DartsGenotype): { cell: 'normal' | 'reduce'; node: number; edge: number; before: CellEdge; after: CellEdge }[] {
  const changes = [];
  for (const cell of ['normal', 'reduce'] as const) {
    for (let node = 0; node < a[cell].length; node++) {
      for (let edge = 0; edge < a[cell][node]!.length; edge++) {
        const before = a[cell][node]![edge]!;
        const after = b[cell][node]![edge]!;
        if (before.op !== after.op || before.input !== after.input) changes.push({ cell, node, edge, before, after });
      }
    }
  }
  return changes;
}

test('DARTS mutations are valid and change exactly what they report', () => {
  const rng = createRng('mutate-darts');
  const kinds = { identity: 0, op: 0, input: 0 };
  const cells = { normal: 0, reduce: 0 };
  const rounds = 1500;
  for (let i = 0; i < rounds; i++) {
    const parent = sampleGenotype(darts, rng) as DartsGenotype;
    const parentCopy = structuredClone(parent);
    const { genotype, mutation } = mutate(darts, parent, rng);
    const child = genotype as DartsGenotype;
    assert.deepEqual(parent, parentCopy, 'parent must not be modified');
    assert.deepEqual(validateGenotype(darts, child), []);
    kinds[mutation.kind]++;
    cells[mutation.cell]++;
    const changes = changedEdges(parent, child);
    if (mutation.kind === 'identity') {
      assert.equal(changes.length, 0);
      continue;
    }
    assert.equal(changes.length, 1, `${mutation.kind} must change exactly one edge`);
    const [change] = changes;
    assert.equal(change!.cell, mutation.cell);
    assert.equal(change!.node, mutation.node);
    assert.equal(change!.edge, mutation.edge);
    if (mutation.kind === 'op') {
      assert.equal(change!.after.input, change!.before.input, 'op mutation keeps the input');
      assert.notEqual(change!.after.op, change!.before.op);
      assert.equal(mutation.from, change!.before.op);
      assert.equal(mutation.to, change!.after.op);
    } else {
      assert.equal(change!.after.op, change!.before.op, 'input mutation keeps the op');
      assert.notEqual(change!.after.input, change!.before.input);
      assert.ok(change!.after.input < change!.node + 2, 'new input is an earlier state');
      assert.equal(mutation.from, change!.before.input);
      assert.equal(mutation.to, change!.after.input);
      assert.notEqual(genotypeId(child), genotypeId(parent));
    }
  }
  // ⅓ each kind, ½ each cell: loose bounds (several standard deviations).
  for (const count of Object.values(kinds)) assert.ok(Math.abs(count / rounds - 1 / 3) < 0.05, JSON.stringify(kinds));
  for (const count of Object.values(cells)) assert.ok(Math.abs(count / rounds - 1 / 2) < 0.05, JSON.stringify(cells));
});

test('DARTS input mutation reaches every rewireable node', () => {
  const rng = createRng('mutate-darts-nodes');
  const parent = sampleGenotype(darts, rng);
  const nodes = new Set<number>();
  for (let i = 0; i < 400; i++) {
    const { mutation } = mutate(darts, parent, rng);
    if (mutation.kind === 'input') nodes.add(mutation.node!);
  }
  // Node 0 reads both cell inputs already, so it cannot be rewired to a different distinct state.
  assert.deepEqual([...nodes].sort(), [1, 2, 3]);
});

test('NB201 mutation changes exactly one edge to a different op', () => {
  const rng = createRng('mutate-nb201');
  for (let i = 0; i < 500; i++) {
    const parent = sampleGenotype(nb201, rng) as Nb201Genotype;
    const { genotype, mutation } = mutate(nb201, parent, rng);
    const child = genotype as Nb201Genotype;
    assert.deepEqual(validateGenotype(nb201, child), []);
    assert.equal(mutation.kind, 'op');
    const changed = child.edges.flatMap((op, index) => (op === parent.edges[index] ? [] : [index]));
    assert.deepEqual(changed, [mutation.edge]);
    assert.equal(mutation.from, parent.edges[mutation.edge!]);
    assert.equal(mutation.to, child.edges[mutation.edge!]);
  }
});

test('mutation is reproducible and rejects an invalid parent', () => {
  const parent = sampleGenotype(darts, createRng(1));
  assert.deepEqual(mutate(darts, parent, createRng('m')), mutate(darts, parent, createRng('m')));
  const broken = structuredClone(parent) as DartsGenotype;
  broken.normal[0]![0]!.input = 4;
  assert.throws(() => mutate(darts, broken, createRng('m')), /normal\[0\]\[0\]\.input: 4 is not an earlier state/);
  assert.throws(() => mutate(nb201, parent, createRng('m')), /space: expected "nb201"/);
});
