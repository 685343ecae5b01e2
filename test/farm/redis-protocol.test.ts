import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { LabelledImages } from '../../src/data/types.js';
import type { WorkerDataSets } from '../../src/farm/types.js';
import { connectionFor, dataFingerprint, decodeMember, decodeStartingPoint, encodeMember, encodeStartingPoint, jobIdFor, queueNameForRun, redactUrl } from '../../src/farm/redis/protocol.js';

test('a member survives encode/decode bit for bit, every severity and the weights', () => {
  const probs = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.fround(((i * 7919 + seed) % 1000) / 1000));
  const member = {
    validationProbs: { 0: probs(50, 1), 3: probs(50, 2) },
    testProbs: { 0: probs(40, 3), 3: probs(40, 4), 5: probs(40, 5) },
    lossCurve: [2.3, 1.9, Number.MAX_VALUE],
    seconds: 12.5,
    predictSeconds: 3.25,
    model: { modelJson: '{"format":"layers-model","é":1}', weights: Uint8Array.from({ length: 33 }, (_, i) => (i * 13) & 255) },
  };
  const encoded = encodeMember(member);
  assert.match(encoded, /^[A-Za-z0-9+/]+=*$/);
  const decoded = decodeMember(encoded);
  assert.deepEqual(decoded, member);
  assert.ok(decoded.testProbs[5] instanceof Float32Array);
  assert.throws(() => decodeMember(Buffer.from('not gzip').toString('base64')));
});

test("a leg's training state and a promotion's starting point survive encode/decode bit for bit", () => {
  const model = { modelJson: '{"format":"layers-model"}', weights: Uint8Array.from({ length: 21 }, (_, i) => (i * 29) & 255) };
  const state = { epochsDone: 3, momentum: Float32Array.from({ length: 17 }, (_, i) => Math.fround(Math.sin(i) * 1e-3)) };
  const leg = { validationProbs: { 0: new Float32Array([0.25, 0.75]) }, testProbs: { 0: new Float32Array([1, 0]) }, lossCurve: [2, 1.5, 1.25], seconds: 1, predictSeconds: 0.5, model, state };
  const decodedLeg = decodeMember(encodeMember(leg));
  assert.deepEqual(decodedLeg, leg);
  assert.ok(decodedLeg.state?.momentum instanceof Float32Array);
  // A leg that reached the end of the schedule carries no state, and none comes back.
  const { state: _state, ...last } = leg;
  assert.equal('state' in decodeMember(encodeMember(last)), false);

  const start = decodeStartingPoint(encodeStartingPoint({ model, state }));
  assert.deepEqual(start, { model, state });
  assert.ok(start.state.momentum instanceof Float32Array && start.model.weights instanceof Uint8Array);
  // Cut short in transit: the decoder says so rather than training from half a model.
  const bytes = gunzipSync(Buffer.from(encodeStartingPoint({ model, state }), 'base64'));
  const cut = gzipSync(bytes.subarray(0, bytes.length - 30)).toString('base64');
  assert.throws(() => decodeStartingPoint(cut), /starting point payload truncated/);
});

test('names, URLs and the data fingerprint', () => {
  assert.equal(queueNameForRun('20261128-011502-a3f9'), 'nes-20261128-011502-a3f9');
  assert.equal(jobIdFor({ method: 'deepens-rs', trial: { id: 7, seed: 1, genotype: { space: 'nb201', edges: [] }, origin: { source: 'random' } } }), 'deepens-rs-7');
  assert.equal(redactUrl('rediss://:s3cret@redis.example:6380/2'), 'rediss://:***@redis.example:6380/2');
  assert.equal(redactUrl('redis://nes:s3cret@10.0.0.5:6379'), 'redis://nes:***@10.0.0.5:6379');
  assert.equal(redactUrl('redis://10.0.0.5:6379'), 'redis://10.0.0.5:6379');
  assert.deepEqual(connectionFor('rediss://:pw@host:6380'), { url: 'rediss://:pw@host:6380', maxRetriesPerRequest: null });
  assert.throws(() => connectionFor('http://host:6379'), /redis:\/\/ or rediss:\/\//);

  const images = (fill: number): LabelledImages => ({ images: new Uint8Array(8).fill(fill), labels: new Uint8Array(2), count: 2, height: 2, width: 2, channels: 1 });
  const data = (pixel: number): WorkerDataSets => ({
    train: images(1),
    numClasses: 2,
    normalization: { mean: [0.5], std: [0.5] },
    validation: { 0: images(2), 2: images(pixel) },
    test: { 0: images(2) },
  });
  assert.equal(dataFingerprint(data(3)), dataFingerprint(data(3)));
  assert.notEqual(dataFingerprint(data(3)), dataFingerprint(data(4)), 'one shifted pixel changes the fingerprint');
});
