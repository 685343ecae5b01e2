import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nes from '../../src/index.js';

test('the package entry exposes loading, selection, metrics, data and genotype functions', () => {
  for (const name of [
    'loadEnsemble',
    'exportEnsemble',
    'writeReport',
    'forwardSelect',
    'caruanaSelect',
    'evaluateEnsemble',
    'readNpy',
    'writeNpy',
    'loadSpace',
    'sampleGenotype',
    'mutate',
    'genotypeId',
    'initEngine',
  ] as const) {
    assert.equal(typeof nes[name], 'function', name);
  }
  // The re-exports are the real implementations: a genotype sampled through the entry has its id.
  const genotype = nes.sampleGenotype(nes.loadSpace('darts'), nes.createRng(1));
  assert.match(nes.genotypeId(genotype), /^darts-[0-9a-f]+$/);
  // Member 1 has the lower NLL (0.71 vs 0.86 nats), so forward selection starts from it.
  assert.deepEqual(nes.forwardSelect([Float32Array.of(0.9, 0.2), Float32Array.of(0.3, 0.8)], 2), [1, 0]);
});
