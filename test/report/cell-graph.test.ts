import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cellGraphSvg } from '../../src/report/cell-graph-svg.js';
import { toDag } from '../../src/space/dag.js';
import { loadNamedGenotype } from '../../src/space/named.js';
import type { DartsGenotype } from '../../src/space/types.js';

const count = (svg: string, pattern: RegExp) => svg.match(pattern)?.length ?? 0;

test('a DARTS cell: 2 inputs, 4 nodes and the concatenated output, one labelled edge per op', () => {
  const genotype = loadNamedGenotype('darts-v2') as DartsGenotype;
  const svg = cellGraphSvg(toDag(genotype).normal, { title: 'normal <cell>', idPrefix: 'x1', output: 'concat' });
  assert.equal(count(svg, /<g class="node"/g), 7);
  assert.equal(count(svg, /<text class="op"/g), 8);
  assert.equal(count(svg, /class="edge"/g), 8 + 4, 'ops plus one dashed concat edge per intermediate node');
  assert.equal(count(svg, /sep_conv_3x3/g), 5);
  assert.match(svg, /marker id="x1-arrow"/);
  assert.match(svg, /normal &lt;cell&gt;/);
  // Every coordinate is a finite number: dagre placed every node and edge.
  assert.doesNotMatch(svg, /NaN|undefined/);
  const [minX, minY, width, height] = /viewBox="([^"]+)"/.exec(svg)![1]!.split(' ').map(Number) as [number, number, number, number];
  assert.ok(width > 150, `laid-out width ${width}`);
  // Every edge stays inside the picture, bends included.
  for (const [, d] of svg.matchAll(/class="edge" d="([^"]+)"/g)) {
    for (const [, x, y] of d!.matchAll(/(-?[\d.]+),(-?[\d.]+)/g)) {
      assert.ok(Number(x) >= minX && Number(x) <= minX + width && Number(y) >= minY && Number(y) <= minY + height, `(${x}, ${y}) outside`);
    }
  }
});

test('an NB201 cell leaves out "none" edges and marks its last node as the output', () => {
  const edges = ['nor_conv_3x3', 'none', 'skip_connect', 'avg_pool_3x3', 'none', 'nor_conv_1x1'];
  const svg = cellGraphSvg(toDag({ space: 'nb201', edges }).cell, { title: 'cell', idPrefix: 'y', output: 'last' });
  assert.equal(count(svg, /<g class="node"/g), 4);
  assert.equal(count(svg, /<text class="op"/g), 4);
  assert.match(svg, />3 \(out\)</);
  assert.match(svg, />in</);
});
