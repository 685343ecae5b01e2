import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { threadExecArgv } from '../../src/farm/thread-exec-argv.js';

test("a farm thread cannot require() an ES module, so piscina imports its task file (Node's require(esm) crash)", async (t) => {
  if (!process.allowedNodeEnvironmentFlags.has('--no-experimental-require-module')) return t.skip('this Node has no require(esm) to turn off');
  const probe = `
    const { parentPort } = require('node:worker_threads');
    try { require(${JSON.stringify(new URL('../../src/farm/thread-exec-argv.js', import.meta.url).pathname)}); parentPort.postMessage('required'); }
    catch (error) { parentPort.postMessage(error.code); }`;
  const worker = new Worker(probe, { eval: true, execArgv: threadExecArgv() });
  const [answer] = await once(worker, 'message');
  await worker.terminate();
  assert.equal(answer, 'ERR_REQUIRE_ESM');
  assert.deepEqual(threadExecArgv().slice(0, process.execArgv.length), process.execArgv, "the parent's flags (a loader, say) are kept");
});
