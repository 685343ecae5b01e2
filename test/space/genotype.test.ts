import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSpace } from '../../src/space/load.js';
import { validateGenotype } from '../../src/space/validate.js';
import { sampleGenotype } from '../../src/space/sample.js';
import { genotypeId } from '../../src/space/id.js';
import { toDag } from '../../src/space/dag.js';
import { listNamedGenotypes, loadNamedGenotype } from '../../src/space/named.js';
import { createRng } from '../../src/util/rng.js';
import type { DartsGenotype, Nb201Genotype } from '../../src/space/types.js';

const darts = loadSpace('darts');
const nb201 = loadSpace('nb201');

test('darts-v2 loads, is valid and matches the published genotype', () => {
  assert.ok(listNamedGenotypes().includes('darts-v2'));
  const g = loadNamedGenotype('darts-v2') as DartsGenotype;
  assert.deepEqual(validateGenotype(darts, g), []);
  assert.deepEqual(g.normal[3], [
    { op: 'skip_connect', input: 0 },
    { op: 'dil_conv_3x3', input: 2 },
  ]);
  assert.deepEqual(
    g.reduce.map((node) => node.map((e) => e.input)),
    [[0, 1], [2, 1], [0, 2], [2, 1]],
  );
});

test('validateGenotype names the path of each problem', () => {
  const g = structuredClone(loadNamedGenotype('darts-v2')) as DartsGenotype;
  g.normal[2]![1]!.input = 5;
  g.reduce[0]![0]!.op = 'conv_7x7';
  g.reduce[1]![0]!.input = 1; // now reads state 1 twice
  assert.deepEqual(validateGenotype(darts, g), [
    'normal[2][1].input: 5 is not an earlier state (allowed 0..3)',
    'reduce[0][0].op: "conv_7x7" is not an op of space darts (allowed: max_pool_3x3, avg_pool_3x3, skip_connect, sep_conv_3x3, sep_conv_5x5, dil_conv_3x3, dil_conv_5x5)',
    'reduce[1]: edges must read different states, got 1 twice',
  ]);
  assert.deepEqual(validateGenotype(darts, { space: 'nb201', edges: [] }), ['space: expected "darts", got "nb201"']);
  assert.deepEqual(validateGenotype(darts, { space: 'darts', normal: [], reduce: g.reduce.slice(0, 4) }).slice(0, 1), [
    'normal: expected 4 nodes, got 0',
  ]);
  assert.deepEqual(validateGenotype(nb201, { space: 'nb201', edges: ['none', 'skip_connect', 'x', 'none', 'none', 'none'] }), [
    'edges[2]: "x" is not an op of space nb201 (allowed: none, skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3)',
  ]);
  assert.deepEqual(validateGenotype(nb201, { space: 'nb201', edges: ['none'] }), ['edges: expected an array of 6 ops']);
});

test('sampled genotypes are valid, reproducible and varied', () => {
  for (const space of [darts, nb201]) {
    const rng = createRng(`sample-${space.name}`);
    const ids = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const g = sampleGenotype(space, rng);
      assert.deepEqual(validateGenotype(space, g), []);
      ids.add(genotypeId(g));
    }
    assert.ok(ids.size > 150, `only ${ids.size} distinct genotypes of 200`);
    const again = createRng(`sample-${space.name}`);
    const first = createRng(`sample-${space.name}`);
    assert.deepEqual(sampleGenotype(space, again), sampleGenotype(space, first));
  }
});

test('genotypeId ignores the order of a node\'s edges and separates different architectures', () => {
  const g = loadNamedGenotype('darts-v2') as DartsGenotype;
  const swapped = structuredClone(g);
  swapped.normal[3]!.reverse();
  swapped.reduce[1]!.reverse();
  assert.equal(genotypeId(swapped), genotypeId(g));
  assert.match(genotypeId(g), /^darts-[0-9a-f]{16}$/);

  const otherOp = structuredClone(g);
  otherOp.normal[0]![0]!.op = 'sep_conv_5x5';
  const otherInput = structuredClone(g);
  otherInput.normal[3]![1]!.input = 1;
  // Same edges, but the cells swapped: a different network.
  const cellsSwapped: DartsGenotype = { space: 'darts', normal: g.reduce, reduce: g.normal };
  const ids = [g, otherOp, otherInput, cellsSwapped].map(genotypeId);
  assert.equal(new Set(ids).size, 4);

  const a: Nb201Genotype = { space: 'nb201', edges: ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3', 'none'] };
  const b: Nb201Genotype = { space: 'nb201', edges: ['skip_connect', 'none', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3', 'none'] };
  assert.match(genotypeId(a), /^nb201-[0-9a-f]{16}$/);
  assert.notEqual(genotypeId(a), genotypeId(b));
});

test('toDag builds one acyclic graph per cell with op-labelled edges', () => {
  const g = loadNamedGenotype('darts-v2') as DartsGenotype;
  const dags = toDag(g);
  assert.equal(dags.normal.nodeCount(), 6);
  assert.equal(dags.normal.edgeCount(), 8);
  assert.deepEqual(dags.normal.node('2'), { state: 2, role: 'intermediate' });
  assert.deepEqual(dags.normal.node('0'), { state: 0, role: 'input' });
  assert.deepEqual(dags.normal.edge('2', '5', 'e1'), { op: 'dil_conv_3x3' });
  assert.deepEqual(dags.reduce.predecessors('3')?.sort(), ['1', '2']);

  const cyclic = structuredClone(g);
  cyclic.normal[0]![0]!.input = 3; // node 0 (state 2) reads node 1 (state 3), which reads state 2
  cyclic.normal[1]![0]!.input = 2;
  assert.throws(() => toDag(cyclic), /normal cell is not acyclic/);
  const dangling = structuredClone(g);
  dangling.reduce[0]![0]!.input = 9;
  assert.throws(() => toDag(dangling), /reduce\[0\]\[0\]\.input: 9 is not a state/);

  const nb = toDag({ space: 'nb201', edges: ['nor_conv_3x3', 'none', 'skip_connect', 'none', 'none', 'avg_pool_3x3'] });
  assert.equal(nb.cell.nodeCount(), 4);
  assert.deepEqual(nb.cell.edges().map((e) => `${e.v}->${e.w}:${nb.cell.edge(e).op}`).sort(), [
    '0->1:nor_conv_3x3',
    '1->2:skip_connect',
    '2->3:avg_pool_3x3',
  ]);
});
