import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { readNpy, asFloat32 } from '../../src/data/npy.js';
import { averageProbs } from '../../src/evaluate/metrics.js';
import { exportEnsemble } from '../../src/export/export-ensemble.js';
import { loadEnsemble } from '../../src/export/load-ensemble.js';
import { manifestProblems } from '../../src/export/ensemble-schema.js';
import { distinctMembers } from '../../src/export/run-results.js';
import { readMemberPredictions } from '../../src/run/member-files.js';
import { CompiledNetwork } from '../../src/train/compiled/network.js';
import { PACKAGE_ROOT } from '../../src/version.js';
import { buildFixtureRun, type FixtureRun } from './fixtures.js';

let work: string;
let fixture: FixtureRun;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'nes-export-'));
  fixture = await buildFixtureRun({ runsDir: join(work, 'runs'), shiftedSeverities: [5], epochs: 1 });
});
after(() => rmSync(work, { recursive: true, force: true }));

function cachedEnsembleProbs(method: string, trialIds: number[], weights: number[], severity = 0): Float32Array {
  const members = trialIds.map((trialId) =>
    readMemberPredictions(join(fixture.runDir, 'members', method, String(trialId).padStart(4, '0')), 'test', severity)!.probs,
  );
  return averageProbs(members, weights);
}

function assertClose(actual: Float32Array, expected: Float32Array, tolerance: number): void {
  assert.equal(actual.length, expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  assert.ok(worst <= tolerance, `largest difference ${worst} > ${tolerance}`);
}

describe('exportEnsemble + loadEnsemble', () => {
  test('loadEnsemble sets up the fastest engine when none was chosen, or the one asked for', async () => {
    const out = join(work, 'export-engine');
    await exportEnsemble(fixture.runDir, { out });
    // A fresh process: this one has already chosen its engine.
    const backendAfterLoad = (engine?: string): string => {
      const script = `
        import * as tf from '@tensorflow/tfjs';
        import { loadEnsemble } from ${JSON.stringify(new URL('../../src/export/load-ensemble.js', import.meta.url).href)};
        const loaded = await loadEnsemble(${JSON.stringify(out)}${engine ? `, { engine: ${JSON.stringify(engine)} }` : ''});
        loaded.dispose();
        process.stdout.write('backend=' + tf.getBackend());`;
      const env = { ...process.env };
      delete env['NES_ENGINE'];
      const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: PACKAGE_ROOT, env, encoding: 'utf8' });
      return /backend=(\w+)/.exec(output)?.[1] ?? output;
    };
    assert.equal(backendAfterLoad(), 'wasm');
    assert.equal(backendAfterLoad('cpu'), 'cpu');
  });

  test('defaults to the ensemble with the best validation NLL of the run; predictions equal the cached ones', async () => {
    const out = join(work, 'export-default');
    const manifest = await exportEnsemble(fixture.runDir, { out });
    const clean = Object.values(fixture.results.methods).flatMap((m) => m.ensembles.filter((e) => e.severity === 0));
    const ensemble = clean.reduce((best, e) => (e.validation.nll < best.validation.nll ? e : best));
    assert.ok(clean.every((e) => e.validation.nll >= manifest.metrics.validation.nll), 'no clean ensemble of the run is better');
    assert.equal(manifest.source.method, ensemble.method);
    assert.equal(manifest.source.size, ensemble.size);
    assert.equal(manifest.source.severity, 0);
    assert.equal(manifest.source.selection, ensemble.selection);
    assert.deepEqual(manifest.members.map((m) => m.trialId), distinctMembers(ensemble).map((m) => m.trialId));
    assert.deepEqual(manifest.metrics.validation, ensemble.validation);
    // With a method given, the best size of that method.
    const rsBest = fixture.results.methods.rs!.ensembles.filter((e) => e.severity === 0).reduce((best, e) => (e.validation.nll < best.validation.nll ? e : best));
    const rs = await exportEnsemble(fixture.runDir, { out: join(work, 'export-rs'), method: 'rs' });
    assert.equal(rs.source.size, rsBest.size);
    assert.deepEqual(manifest.input.shape, [8, 8, 1]);
    assert.deepEqual(manifest.classNames, fixture.results.dataset.classNames);
    for (const member of manifest.members) {
      assert.ok(existsSync(join(out, member.path, 'model.json')));
      assert.ok(existsSync(join(out, member.path, 'weights.bin')));
    }
    assert.deepEqual(manifest.members.map((m) => m.weight), distinctMembers(ensemble).map((m) => m.weight));
    assert.deepEqual(manifestProblems(JSON.parse(readFileSync(join(out, 'ensemble.json'), 'utf8'))), []);
    // A DeepEns baseline's ensemble is its first M members: 'first' is a selection a manifest records.
    assert.deepEqual(manifestProblems({ ...manifest, source: { ...manifest.source, selection: 'first' } }), []);
    assert.match(manifestProblems({ ...manifest, source: { ...manifest.source, selection: 'best' } }).join('\n'), /selection/);

    const loaded = await loadEnsemble(out);
    try {
      const prediction = await loaded.predict(fixture.test.images);
      const expected = cachedEnsembleProbs(ensemble.method, ensemble.members, ensemble.weights);
      assertClose(prediction.meanProbs, expected, 1e-5);
      assert.equal(prediction.memberProbs.length, distinctMembers(ensemble).length);
      assert.equal(prediction.predictedClass.length, fixture.test.count);
      for (let i = 0; i < fixture.test.count; i++) {
        assert.ok(prediction.mutualInformation[i]! >= 0);
        assert.ok(prediction.mutualInformation[i]! <= prediction.entropy[i]! + 1e-6);
        assert.ok(prediction.entropy[i]! <= Math.log(10) + 1e-6);
      }
    } finally {
      loaded.dispose();
    }
  });

  test('caruana weights (repeats merged) reproduce the cached weighted average, on shifted data too', async () => {
    const out = join(work, 'export-caruana');
    const manifest = await exportEnsemble(fixture.runDir, { out, method: 're', size: 3, severity: 5 });
    const ensemble = fixture.results.methods.re!.ensembles.find((e) => e.size === 3 && e.severity === 5)!;
    assert.equal(manifest.source.selection, 'caruana');
    assert.equal(manifest.source.severity, 5);
    assert.deepEqual(manifest.metrics.test, ensemble.test);
    assert.deepEqual(manifest.members.map((m) => m.trialId), [...new Set(ensemble.members)]);
    assert.ok(Math.abs(manifest.members.reduce((s, m) => s + m.weight, 0) - 1) < 1e-9);

    const loaded = await loadEnsemble(out, { batchSize: 7 });
    try {
      const images = fixture.shiftedTest.get(5)!;
      const prediction = await loaded.predict(Float32Array.from(images.images), images.count);
      assertClose(prediction.meanProbs, cachedEnsembleProbs('re', ensemble.members, ensemble.weights, 5), 1e-5);
    } finally {
      loaded.dispose();
    }
  });

  test('on wasm the members predict through the compiled network, as predictProbs; tfjs (the fallback) agrees', async () => {
    const ensembleOut = join(work, 'export-default');
    const loaded = await loadEnsemble(ensembleOut, { engine: 'wasm' });
    const tfjsCalls = loaded.models.map(() => 0);
    loaded.models.forEach((model, k) => {
      const predict = model.predict.bind(model);
      model.predict = (...args) => {
        tfjsCalls[k]!++;
        return predict(...args);
      };
    });
    try {
      const manifest = loaded.manifest;
      const trialIds = manifest.members.map((m) => m.trialId);
      const weights = manifest.members.map((m) => m.weight);
      const expected = cachedEnsembleProbs(manifest.source.method, trialIds, weights);
      const compiled = await loaded.predict(fixture.test.images);
      assert.deepEqual(tfjsCalls, loaded.models.map(() => 0), 'no member went through tfjs');
      assertClose(compiled.meanProbs, expected, 1e-5);
      // While a network holds the compiled kernels' memory (as during training), prediction runs on tfjs.
      const held = CompiledNetwork.compile(loaded.models[0]!, { capacity: 1, training: false });
      let viaTfjs;
      try {
        viaTfjs = await loaded.predict(fixture.test.images);
      } finally {
        held.dispose();
      }
      assert.ok(tfjsCalls.every((calls) => calls > 0), 'every member went through tfjs');
      assertClose(viaTfjs.meanProbs, expected, 1e-5);
      compiled.memberProbs.forEach((probs, k) => assertClose(viaTfjs.memberProbs[k]!, probs, 1e-5));
    } finally {
      loaded.dispose();
    }
  });

  test('a 4D tensor input predicts the same as the flat uint8 array', async () => {
    const loaded = await loadEnsemble(join(work, 'export-default'));
    try {
      const flat = await loaded.predict(fixture.test.images.subarray(0, 5 * 64), 5);
      const tensor = tf.tensor4d(Float32Array.from(fixture.test.images.subarray(0, 5 * 64)), [5, 8, 8, 1]);
      const fromTensor = await loaded.predict(tensor);
      tensor.dispose();
      assertClose(fromTensor.meanProbs, flat.meanProbs, 1e-6);
      assert.deepEqual(fromTensor.predictedClass, flat.predictedClass);
      // The pixel range is checked on tensors too: float images in 0..1 are refused, dark int32 ones are not.
      const scaled = tf.tensor4d(Float32Array.from(fixture.test.images.subarray(0, 64), (p) => p / 255), [1, 8, 8, 1]);
      const dark = tf.tensor4d(Int32Array.from({ length: 64 }, (_, i) => i % 2), [1, 8, 8, 1], 'int32');
      const wrongShape = tf.zeros<tf.Rank.R4>([2, 8, 8, 3]);
      try {
        await assert.rejects(loaded.predict(scaled), /looks like images scaled to 0\.\.1/);
        assert.equal((await loaded.predict(dark)).count, 1);
        await assert.rejects(loaded.predict(wrongShape), /tensor has shape \[2, 8, 8, 3\], expected \[N, 8, 8, 1\]/);
      } finally {
        for (const tensor of [scaled, dark, wrongShape]) tensor.dispose();
      }
    } finally {
      loaded.dispose();
    }
  });

  test('unknown method, size or severity: the error lists what exists', async () => {
    await assert.rejects(exportEnsemble(fixture.runDir, { out: join(work, 'x1'), method: 'nope' }), /no method "nope"; it has: rs, re/);
    await assert.rejects(exportEnsemble(fixture.runDir, { out: join(work, 'x2'), size: 9 }), /no ensemble of size 9; sizes: 2, 3/);
    await assert.rejects(exportEnsemble(fixture.runDir, { out: join(work, 'x3'), severity: 2 }), /severities: 0, 5/);
    assert.equal(existsSync(join(work, 'x1')), false);
  });

  test('refuses to overwrite a non-empty folder, and wrong input sizes', async () => {
    await assert.rejects(exportEnsemble(fixture.runDir, { out: join(work, 'export-default') }), /not empty/);
    const loaded = await loadEnsemble(join(work, 'export-default'));
    try {
      await assert.rejects(loaded.predict(new Uint8Array(65)), /not a whole number of 8×8×1 images/);
      await assert.rejects(loaded.predict(new Uint8Array(128), 3), /count 3 does not match/);
    } finally {
      loaded.dispose();
    }
  });

  test('loadEnsemble refuses a manifest that breaks the schema, naming the path', async () => {
    const out = join(work, 'export-broken');
    await exportEnsemble(fixture.runDir, { out, size: 2 });
    const manifest = JSON.parse(readFileSync(join(out, 'ensemble.json'), 'utf8'));
    manifest.members[0].weight = 2;
    manifest.input.layout = 'NCHW';
    writeFileSync(join(out, 'ensemble.json'), JSON.stringify(manifest));
    await assert.rejects(loadEnsemble(out), (error: Error) => {
      assert.match(error.message, /\/members\/0\/weight/);
      assert.match(error.message, /\/input\/layout: must be "NHWC"/);
      return true;
    });
    await assert.rejects(loadEnsemble(join(work, 'nowhere')), /not an exported nes ensemble/);
  });
});

test('a results.json of the wrong shape is refused with the paths at fault, not an internal error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nes-bad-results-'));
  try {
    writeFileSync(join(dir, 'journal.jsonl'), '');
    writeFileSync(join(dir, 'results.json'), JSON.stringify({ run: 'x', methods: { rs: { pool: 'many' } } }));
    await assert.rejects(
      exportEnsemble(dir, { out: join(dir, 'out') }),
      /results\.json is not a nes results file: \/: must have required property 'nesVersion'/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('nes export refuses a run whose member weights are cut short, naming the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nes-damaged-member-'));
  try {
    const runDir = join(dir, 'run');
    cpSync(fixture.runDir, runDir, { recursive: true });
    for (const method of readdirSync(join(runDir, 'members'))) {
      for (const trial of readdirSync(join(runDir, 'members', method))) {
        const weights = join(runDir, 'members', method, trial, 'weights.bin');
        writeFileSync(weights, readFileSync(weights).subarray(0, 11));
      }
    }
    await assert.rejects(exportEnsemble(runDir, { out: join(dir, 'out') }), /weights\.bin: 11 bytes of weights, .*model\.json needs \d+: the file is damaged or cut short/);
    assert.ok(!existsSync(join(dir, 'out')), 'nothing is exported');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
