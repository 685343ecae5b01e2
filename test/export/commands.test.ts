import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { asFloat32, readNpy, writeNpy } from '../../src/data/npy.js';
import { exportCommand } from '../../src/cli/export-command.js';
import { predictCommand } from '../../src/cli/predict-command.js';
import { loadEnsemble } from '../../src/export/load-ensemble.js';
import type { ExportedManifest } from '../../src/export/manifest.js';
import { rowEntropies } from '../../src/export/uncertainty.js';
import { buildFixtureRun, type FixtureRun } from './fixtures.js';
import { NesInputError } from '../../src/util/errors.js';

let work: string;
let fixture: FixtureRun;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'nes-export-cli-'));
  fixture = await buildFixtureRun({ runsDir: join(work, 'runs'), methods: { rs: 'forward' }, poolSize: 3, sizes: [2], testCount: 40, epochs: 1 });
});
after(() => rmSync(work, { recursive: true, force: true }));

function captureLog(t: TestContext): string[] {
  const lines: string[] = [];
  t.mock.method(console, 'log', (...parts: unknown[]) => lines.push(parts.join(' ')));
  return lines;
}

describe('nes export / nes predict', () => {
  test('export then predict (N,H,W) uint8: P.npy holds the mean probabilities, --json a summary', async (t) => {
    const lines = captureLog(t);
    const out = join(work, 'ensemble');
    assert.equal(await exportCommand(['--run', fixture.id, '--runs-dir', join(work, 'runs'), '--out', out]), 0);
    assert.match(lines[0]!, /exported rs ensemble of size 2 \(2 distinct members, forward selection, severity 0\)/);
    assert.match(lines[1]!, /chosen as the best validation NLL \(\d\.\d{4}\) of the run's ensembles at severity 0; pick another with --method and --size/);
    // The run may also be named by its folder, relative or absolute.
    assert.equal(await exportCommand(['--run', fixture.runDir, '--out', join(work, 'by-path')]), 0);
    assert.equal(await exportCommand(['--run', relative(process.cwd(), fixture.runDir), '--out', join(work, 'by-relative-path')]), 0);
    assert.deepEqual(readdirSync(join(work, 'by-path')).sort(), readdirSync(out).sort());

    const inputPath = join(work, 'x.npy');
    writeNpy(inputPath, { dtype: 'uint8', shape: [fixture.test.count, 8, 8], data: fixture.test.images });
    const outPath = join(work, 'p.npy');
    assert.equal(await predictCommand(['--model', out, '--input', inputPath, '--out', outPath, '--json', '--backend', 'wasm']), 0);
    const summary = JSON.parse(lines.at(-1)!);
    assert.equal(summary.count, 40);
    assert.equal(Object.values(summary.classHistogram as Record<string, number>).reduce((a, b) => a + b, 0), 40);
    assert.deepEqual(Object.keys(summary.classHistogram), fixture.results.dataset.classNames);
    assert.ok(summary.meanEntropy > 0 && summary.meanEntropy <= Math.log(10));
    assert.ok(summary.meanMutualInformation >= 0 && summary.meanMutualInformation <= summary.meanEntropy);

    const written = readNpy(outPath);
    assert.equal(written.dtype, 'float32');
    assert.deepEqual(written.shape, [40, 10]);
    const ensemble = await loadEnsemble(out);
    try {
      assert.deepEqual(asFloat32(written), (await ensemble.predict(fixture.test.images)).meanProbs);
    } finally {
      ensemble.dispose();
    }
  });

  test('predict --members and --uncertainty write the probabilities of each member and the entropy decomposition as .npy', async (t) => {
    const lines = captureLog(t);
    const model = join(work, 'ensemble');
    const inputPath = join(work, 'x.npy');
    const [out, members, uncertainty] = ['p2.npy', 'members.npy', 'uncertainty.npy'].map((name) => join(work, name));
    assert.equal(await predictCommand(['--model', model, '--input', inputPath, '--out', out, '--members', members, '--uncertainty', uncertainty, '--backend', 'wasm']), 0);
    assert.match(lines.at(-2)!, /^wrote the 2 members' probabilities \(2, 40, 10\) to .*members\.npy$/);
    assert.match(lines.at(-1)!, /^wrote entropy, expected member entropy and mutual information \(40, 3\) to .*uncertainty\.npy$/);
    const ensemble = await loadEnsemble(model);
    let expected;
    try {
      expected = await ensemble.predict(fixture.test.images);
    } finally {
      ensemble.dispose();
    }
    const memberFile = readNpy(members);
    assert.equal(memberFile.dtype, 'float32');
    assert.deepEqual(memberFile.shape, [2, 40, 10]);
    const memberData = asFloat32(memberFile);
    expected.memberProbs.forEach((probs, k) => assert.deepEqual(memberData.subarray(k * 400, (k + 1) * 400), probs));
    // The weighted mean of the written members is the written ensemble prediction.
    const weights = JSON.parse(readFileSync(join(model, 'ensemble.json'), 'utf8')).members.map((m: { weight: number }) => m.weight);
    const mean = asFloat32(readNpy(out));
    for (let i = 0; i < 400; i++) {
      const average = weights.reduce((sum: number, w: number, k: number) => sum + w * memberData[k * 400 + i]!, 0);
      assert.ok(Math.abs(average - mean[i]!) < 1e-6, `probability ${i}`);
    }
    const table = readNpy(uncertainty);
    assert.deepEqual([table.dtype, ...table.shape], ['float32', 40, 3]);
    const u = asFloat32(table);
    const entropy = rowEntropies(mean, 10);
    for (let i = 0; i < 40; i++) {
      const [total, aleatoric, epistemic] = [u[3 * i]!, u[3 * i + 1]!, u[3 * i + 2]!];
      assert.ok(Math.abs(total - entropy[i]!) < 1e-5, `entropy of image ${i}`);
      assert.equal(epistemic, expected.mutualInformation[i]);
      assert.ok(epistemic >= 0 && Math.abs(total - aleatoric - epistemic) < 1e-6);
      const expectedMember = weights.reduce((sum: number, w: number, k: number) => sum + w * rowEntropies(memberData.subarray(k * 400, (k + 1) * 400), 10)[i]!, 0);
      assert.ok(Math.abs(aleatoric - expectedMember) < 1e-5, `expected member entropy of image ${i}`);
    }
  });

  test('wrong image shape and unknown size are input errors that say what was expected', async (t) => {
    captureLog(t);
    const inputPath = join(work, 'bad.npy');
    writeNpy(inputPath, { dtype: 'uint8', shape: [2, 7, 7], data: new Uint8Array(98) });
    await assert.rejects(
      predictCommand(['--model', join(work, 'ensemble'), '--input', inputPath, '--out', join(work, 'q.npy'), '--backend', 'wasm']),
      /shape \(2, 7, 7\), expected \(N, 8, 8\) or \(N, 8, 8, 1\)/,
    );
    await assert.rejects(
      exportCommand(['--run', fixture.id, '--runs-dir', join(work, 'runs'), '--out', join(work, 'e2'), '--size', '5']),
      (error: Error) => error instanceof NesInputError && /sizes: 2$/.test(error.message),
    );
    await assert.rejects(exportCommand(['--run', fixture.id]), /--out is required/);
  });

  test('images on another scale are refused with the fix; NumPy float64 and int64 pixels are converted', async (t) => {
    captureLog(t);
    const model = join(work, 'ensemble');
    const pixels = Array.from(fixture.test.images);
    const shape = [fixture.test.count, 8, 8];
    const predictFile = async (name: string, dtype: 'float64' | 'int64' | 'float32', values: number[]) => {
      const path = join(work, `${name}.npy`);
      const data = dtype === 'int64' ? BigInt64Array.from(values.map(BigInt)) : dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values);
      writeNpy(path, { dtype, shape, data });
      const out = join(work, `${name}-p.npy`);
      await predictCommand(['--model', model, '--input', path, '--out', out, '--backend', 'wasm']);
      return asFloat32(readNpy(out));
    };
    const reference = asFloat32(readNpy(join(work, 'p.npy')));
    assert.deepEqual(await predictFile('f64', 'float64', pixels), reference);
    assert.deepEqual(await predictFile('i64', 'int64', pixels), reference);
    // A dark integer image (every pixel 0 or 1) is raw pixels, not an image scaled to 0..1.
    await predictFile('dark', 'int64', pixels.map((p) => (p > 128 ? 1 : 0)));
    await assert.rejects(predictFile('unit', 'float64', pixels.map((p) => p / 255)), /looks like images scaled to 0\.\.1; this ensemble takes raw pixels 0\.\.255: multiply by 255/);
    await assert.rejects(predictFile('normalised', 'float32', pixels.map((p) => (p - 72) / 90)), /pixel values go down to -0\.8; .*pass the images before normalisation/);
    await assert.rejects(predictFile('big', 'float32', pixels.map((p) => p * 4)), /pixel values go up to \d+; this ensemble takes raw pixels 0\.\.255/);

    // The API checks the same, and says what shape its flat arrays have.
    const ensemble = await loadEnsemble(model);
    try {
      await assert.rejects(ensemble.predict(Float32Array.from(pixels, (p) => p / 255)), /looks like images scaled to 0\.\.1/);
      const prediction = await ensemble.predict(fixture.test.images);
      assert.equal(prediction.count, fixture.test.count);
      assert.equal(prediction.numClasses, 10);
      assert.equal(prediction.meanProbs.length, prediction.count * prediction.numClasses);
    } finally {
      ensemble.dispose();
    }
  });

  test('--format onnx writes ensemble.onnx and the member models; bad --format and --onnx-input values are usage errors', async (t) => {
    const lines = captureLog(t);
    const out = join(work, 'onnx');
    assert.equal(await exportCommand(['--run', fixture.runDir, '--out', out, '--format', 'onnx', '--onnx-input', 'float32']), 0);
    assert.ok(lines.some((line) => /^ONNX \(opset 17\): ensemble\.onnx and 2 member models$/.test(line)), lines.join('\n'));
    assert.deepEqual(readdirSync(out).sort(), ['ensemble.json', 'ensemble.onnx', 'members']);
    assert.deepEqual(readdirSync(join(out, 'members', '0')), ['model.onnx']);
    const manifest = JSON.parse(readFileSync(join(out, 'ensemble.json'), 'utf8')) as ExportedManifest;
    assert.deepEqual(manifest.formats, ['onnx']);
    assert.equal(manifest.onnx!.ensemble.inputs[0]!.dtype, 'float32');
    const both = join(work, 'both-formats');
    assert.equal(await exportCommand(['--run', fixture.runDir, '--out', both, '--format', 'tfjs,onnx']), 0);
    assert.deepEqual(readdirSync(join(both, 'members', '0')).sort(), ['model.json', 'model.onnx', 'weights.bin']);
    await assert.rejects(exportCommand(['--run', fixture.runDir, '--out', join(work, 'x1'), '--format', 'torch']), (error: Error) => error instanceof NesInputError && /--format expects tfjs, onnx or tfjs,onnx, got "torch"/.test(error.message));
    await assert.rejects(exportCommand(['--run', fixture.runDir, '--out', join(work, 'x2'), '--format', 'onnx', '--onnx-input', 'int8']), /--onnx-input expects uint8 or float32, got "int8"/);
    await assert.rejects(exportCommand(['--run', fixture.runDir, '--out', join(work, 'x3'), '--onnx-input', 'uint8']), /--onnx-input sets the input of ensemble\.onnx; add --format onnx/);
  });
});
