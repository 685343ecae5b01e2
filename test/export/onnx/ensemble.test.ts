/**
 * The exported ensemble in ONNX Runtime against nes's own loadEnsemble().predict() on the same run
 * (3 trained DARTS members, the wasm engine): ensemble.onnx's outputs, each member's model.onnx,
 * both raw input types, the ONNX-only folder, and the steps of the README's Python snippet.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { exportEnsemble } from '../../../src/export/export-ensemble.js';
import { loadEnsemble } from '../../../src/export/load-ensemble.js';
import { manifestProblems } from '../../../src/export/ensemble-schema.js';
import type { ExportedManifest } from '../../../src/export/manifest.js';
import { decodeModel } from '../../../src/export/onnx/proto.js';
import type { EnsemblePrediction } from '../../../src/export/uncertainty.js';
import { predictProbs } from '../../../src/train/predict.js';
import { NesInputError } from '../../../src/util/errors.js';
import { buildFixtureRun, type FixtureRun } from '../fixtures.js';
import { assertWithin, normalised } from './helpers.js';

let work: string;
let fixture: FixtureRun;
let out: string;
let manifest: ExportedManifest;
let expected: EnsemblePrediction;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'nes-onnx-ensemble-'));
  fixture = await buildFixtureRun({ runsDir: join(work, 'runs'), methods: { rs: 'forward' }, poolSize: 4, sizes: [3], testCount: 40, epochs: 1 });
  out = join(work, 'both');
  manifest = await exportEnsemble(fixture.runDir, { out, size: 3, formats: ['tfjs', 'onnx'] });
  const loaded = await loadEnsemble(out);
  try {
    expected = await loaded.predict(fixture.test.images);
  } finally {
    loaded.dispose();
  }
});
after(() => rmSync(work, { recursive: true, force: true }));

async function session(path: string): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(readFileSync(path));
}

function assertSameAsPredict(outputs: Record<string, ort.Tensor>, what: string): void {
  const { count, numClasses } = expected;
  assert.deepEqual(outputs['mean_probs']!.dims, [count, numClasses]);
  assert.deepEqual(outputs['member_probs']!.dims, [3, count, numClasses]);
  assertWithin(outputs['mean_probs']!.data as Float32Array, expected.meanProbs, 1e-5, `${what}: mean_probs`);
  const members = outputs['member_probs']!.data as Float32Array;
  expected.memberProbs.forEach((probs, k) => {
    assertWithin(members.subarray(k * count * numClasses, (k + 1) * count * numClasses), probs, 1e-5, `${what}: member ${k}`);
  });
  assertWithin(outputs['entropy']!.data as Float32Array, expected.entropy, 1e-5, `${what}: entropy`);
  assertWithin(outputs['mutual_information']!.data as Float32Array, expected.mutualInformation, 1e-5, `${what}: mutual information`);
  assert.deepEqual(Array.from(outputs['predicted_class']!.data as BigInt64Array, Number), Array.from(expected.predictedClass), `${what}: predicted class`);
}

describe('ONNX export of an ensemble', () => {
  test('ensemble.json records the ONNX files, their inputs and outputs, and validates', () => {
    assert.deepEqual(manifestProblems(manifest), []);
    assert.equal(manifest.members.length, 3);
    assert.deepEqual(manifest.formats, ['tfjs', 'onnx']);
    const onnx = manifest.onnx!;
    assert.equal(onnx.opset, 17);
    assert.equal(onnx.ensemble.path, 'ensemble.onnx');
    assert.deepEqual(onnx.ensemble.inputs.map((i) => [i.name, i.dtype, i.shape]), [['images', 'uint8', ['N', 8, 8, 1]]]);
    assert.deepEqual(onnx.ensemble.outputs.map((o) => o.name), ['mean_probs', 'member_probs', 'entropy', 'mutual_information', 'predicted_class']);
    assert.deepEqual(onnx.members.map((m) => m.path), ['members/0/model.onnx', 'members/1/model.onnx', 'members/2/model.onnx']);
    for (const file of [onnx.ensemble, ...onnx.members]) assert.ok(existsSync(join(out, file.path)), file.path);
    // The .onnx file says what ensemble.json says.
    const model = decodeModel(readFileSync(join(out, 'ensemble.onnx')));
    assert.deepEqual(model.opset_import, [{ domain: '', version: 17 }]);
    assert.equal(model.ir_version, onnx.irVersion);
    assert.deepEqual(model.graph.input.map((i) => i.name), ['images']);
    assert.deepEqual(model.graph.output.map((o) => o.name), onnx.ensemble.outputs.map((o) => o.name));
    // Inconsistent ONNX entries are refused.
    assert.ok(manifestProblems({ ...manifest, formats: ['tfjs'] }).some((p) => p.startsWith('/onnx')));
    assert.ok(manifestProblems({ ...manifest, onnx: { ...onnx, members: onnx.members.slice(1) } }).some((p) => p.startsWith('/onnx/members')));
  });

  test('ensemble.onnx (uint8 input) gives what loadEnsemble().predict() gives, within 1e-5', async () => {
    const s = await session(join(out, 'ensemble.onnx'));
    try {
      const images = new ort.Tensor('uint8', fixture.test.images, [fixture.test.count, 8, 8, 1]);
      assertSameAsPredict((await s.run({ images })) as Record<string, ort.Tensor>, 'uint8');
    } finally {
      await s.release();
    }
  });

  test('with --onnx-input float32 it takes float pixels 0..255 and gives the same', async () => {
    const floatOut = join(work, 'float');
    const floatManifest = await exportEnsemble(fixture.runDir, { out: floatOut, size: 3, formats: ['onnx'], onnxInput: 'float32' });
    assert.equal(floatManifest.onnx!.ensemble.inputs[0]!.dtype, 'float32');
    const s = await session(join(floatOut, 'ensemble.onnx'));
    try {
      const images = new ort.Tensor('float32', Float32Array.from(fixture.test.images), [fixture.test.count, 8, 8, 1]);
      assertSameAsPredict((await s.run({ images })) as Record<string, ort.Tensor>, 'float32');
    } finally {
      await s.release();
    }
  });

  test("each member's model.onnx gives its tfjs model's probabilities on normalised images, within 1e-5", async () => {
    const loaded = await loadEnsemble(out);
    try {
      for (const [k, file] of manifest.onnx!.members.entries()) {
        const tfjsProbs = await predictProbs(loaded.models[k]!, fixture.test, manifest.preprocessing);
        const s = await session(join(out, file.path));
        try {
          const images = new ort.Tensor('float32', normalised(fixture.test, manifest.preprocessing), [fixture.test.count, 8, 8, 1]);
          const outputs = await s.run({ images });
          assertWithin(outputs['probs']!.data as Float32Array, tfjsProbs, 1e-5, `member ${k}`);
        } finally {
          await s.release();
        }
      }
    } finally {
      loaded.dispose();
    }
  });

  test('--format onnx alone writes no tfjs files; loadEnsemble says to use ONNX Runtime', async () => {
    const onnxOnly = join(work, 'onnx-only');
    await exportEnsemble(fixture.runDir, { out: onnxOnly, size: 3, formats: ['onnx'] });
    assert.ok(!existsSync(join(onnxOnly, 'members', '0', 'model.json')));
    assert.ok(existsSync(join(onnxOnly, 'members', '0', 'model.onnx')));
    await assert.rejects(loadEnsemble(onnxOnly), (error: Error) => error instanceof NesInputError && /ONNX models only.*--format tfjs,onnx/.test(error.message));
    await assert.rejects(exportEnsemble(fixture.runDir, { out: join(work, 'bad'), formats: ['pt' as 'onnx'] }), /export format "pt" unknown/);
  });

  test("the README's Python snippet, step by step in onnxruntime-node", async () => {
    // manifest = json.load(open(f"{folder}/ensemble.json"))
    const readme = JSON.parse(readFileSync(join(out, 'ensemble.json'), 'utf8')) as ExportedManifest;
    // session = ort.InferenceSession(f"{folder}/{manifest['onnx']['ensemble']['path']}")
    const s = await session(join(out, readme.onnx!.ensemble.path));
    try {
      // images = np.load("images.npy").reshape(-1, *manifest["input"]["shape"]).astype(np.uint8)
      const images = new ort.Tensor('uint8', fixture.test.images, [fixture.test.count, ...readme.input.shape]);
      // mean, entropy, mi = session.run(["mean_probs", "entropy", "mutual_information"], {"images": images})
      const outputs = await s.run({ images }, ['mean_probs', 'entropy', 'mutual_information']);
      const mean = outputs['mean_probs']!.data as Float32Array;
      assertWithin(mean, expected.meanProbs, 1e-5, 'mean');
      assertWithin(outputs['entropy']!.data as Float32Array, expected.entropy, 1e-5, 'entropy');
      assertWithin(outputs['mutual_information']!.data as Float32Array, expected.mutualInformation, 1e-5, 'mi');
      // predicted = [manifest["classNames"][c] for c in mean.argmax(axis=1)]
      const classes = readme.classNames.length;
      const predicted = Array.from({ length: fixture.test.count }, (_, i) => {
        const row = Array.from(mean.subarray(i * classes, (i + 1) * classes));
        return readme.classNames[row.indexOf(Math.max(...row))]!;
      });
      assert.deepEqual(predicted, Array.from(expected.predictedClass, (c) => readme.classNames[c]!));
    } finally {
      await s.release();
    }
  });
});
