import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSpace } from '../../src/space/load.js';
import { resolveMacro } from '../../src/space/macro.js';

test('unset macro settings come from the space preset for the data set, then from the space default', () => {
  const darts = loadSpace('darts');
  assert.deepEqual(resolveMacro(darts, 'cifar10', {}), { cells: 8, channels: 16, stemMultiplier: 3 });
  assert.deepEqual(resolveMacro(darts, 'cifar100', {}), { cells: 8, channels: 16, stemMultiplier: 3 });
  assert.deepEqual(resolveMacro(darts, 'fashion-mnist', {}), { cells: 5, channels: 8, stemMultiplier: 3 });
  assert.deepEqual(resolveMacro(darts, 'npy', {}), darts.macro);
  assert.deepEqual(resolveMacro(darts, 'cifar10', { channels: 4 }), { cells: 8, channels: 4, stemMultiplier: 3 });
  assert.deepEqual(resolveMacro(darts, 'constructor', {}), darts.macro, 'only the presets themselves count');
});
