import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listSpaces, loadSpace, validateSpace } from '../../src/space/load.js';
import { reductionCellIndices } from '../../src/space/cells.js';

const validDarts = () => structuredClone(loadSpace('darts')) as unknown as Record<string, any>;

test('shipped spaces load and have the DARTS / NB201 shapes', () => {
  assert.deepEqual(listSpaces(), ['darts', 'nb201']);
  const darts = loadSpace('darts');
  assert.equal(darts.kind, 'darts');
  assert.equal(darts.ops.length, 7);
  assert.ok(!darts.ops.includes('none'));
  assert.deepEqual(darts.macro, { cells: 5, channels: 8, stemMultiplier: 3 });
  const nb201 = loadSpace('nb201');
  assert.equal(nb201.kind, 'nb201');
  assert.deepEqual(nb201.ops, ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3']);
});

test('reduction cells sit at floor(cells/3) and floor(2·cells/3)', () => {
  const darts = loadSpace('darts');
  if (darts.kind !== 'darts') throw new Error('expected darts');
  assert.deepEqual(reductionCellIndices(darts), [1, 3]);
  assert.deepEqual(reductionCellIndices(darts, 8), [2, 5]);
  assert.deepEqual(reductionCellIndices(darts, 20), [6, 13]);
});

test('schema errors name the JSON path of the problem', () => {
  const bad = validDarts();
  bad.cell.intermediateNodes = 2.5;
  bad.macro.channels = 0;
  bad.ops.push(bad.ops[0]);
  delete bad.reductionAt;
  bad.cell.extra = true;
  const problems = validateSpace(bad);
  assert.ok(problems.includes('cell.intermediateNodes: must be integer'), problems.join('\n'));
  assert.ok(problems.some((p) => p.startsWith('macro.channels: ')), problems.join('\n'));
  assert.ok(problems.some((p) => p.startsWith('ops: ')), problems.join('\n'));
  assert.ok(problems.includes('reductionAt: is required'), problems.join('\n'));
  assert.ok(problems.includes("cell: unknown property 'extra'"), problems.join('\n'));
});

test('kind-specific fields are checked per kind', () => {
  const nb201 = structuredClone(loadSpace('nb201')) as unknown as Record<string, any>;
  nb201.reductionAt = ['1/3'];
  delete nb201.stages;
  const problems = validateSpace(nb201);
  assert.ok(problems.includes('reductionAt: not allowed for this kind of space'), problems.join('\n'));
  assert.ok(problems.includes('stages: is required'), problems.join('\n'));
  assert.deepEqual(validateSpace({ ...validDarts(), kind: 'resnet' }).filter((p) => p.startsWith('kind')), [
    'kind: "resnet" is not allowed; must be one of ["darts","nb201"]',
  ]);
});

test('unrealisable cells are rejected with their path', () => {
  const tooManyEdges = validDarts();
  tooManyEdges.cell.edgesPerNode = 3;
  assert.deepEqual(validateSpace(tooManyEdges), [
    'cell.edgesPerNode: 3 edges cannot read distinct states at node 0 (only 2 earlier states)',
  ]);
  const badFraction = validDarts();
  badFraction.reductionAt = ['1/3', '4/3'];
  assert.deepEqual(validateSpace(badFraction), ["reductionAt[1]: '4/3' must be below 1"]);
});

test('loadSpace reads a path and reports every problem of a bad file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nes-space-'));
  const good = validDarts();
  good.name = 'darts-small';
  good.cell.intermediateNodes = 3;
  writeFileSync(join(dir, 'small.json'), JSON.stringify(good));
  assert.equal(loadSpace(join(dir, 'small.json')).name, 'darts-small');

  const bad = validDarts();
  bad.macro.cells = 'five';
  writeFileSync(join(dir, 'bad.json'), JSON.stringify(bad));
  assert.throws(() => loadSpace(join(dir, 'bad.json')), /macro\.cells: must be integer/);
  assert.throws(() => loadSpace('no-such-space'), /unknown search space 'no-such-space'.*darts, nb201/);
});
