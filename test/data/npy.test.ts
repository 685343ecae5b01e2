import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DataFormatError,
  asFloat32,
  asLabels,
  encodeNpy,
  expectShape,
  parseNpy,
  readNpy,
  writeNpy,
  type NpyArray,
} from '../../src/data/npy.js';

const SAMPLES: NpyArray[] = [
  { dtype: 'uint8', shape: [2, 3], data: Uint8Array.from([0, 1, 2, 253, 254, 255]) },
  { dtype: 'int8', shape: [3], data: Int8Array.from([-128, 0, 127]) },
  { dtype: 'int16', shape: [3], data: Int16Array.from([-32768, 7, 32767]) },
  { dtype: 'uint16', shape: [3], data: Uint16Array.from([0, 7, 65535]) },
  { dtype: 'int32', shape: [1, 3], data: Int32Array.from([-(2 ** 31), 7, 2 ** 31 - 1]) },
  { dtype: 'uint32', shape: [3, 1], data: Uint32Array.from([0, 7, 2 ** 32 - 1]) },
  { dtype: 'int64', shape: [3], data: BigInt64Array.from([-(2n ** 63n), 7n, 2n ** 63n - 1n]) },
  { dtype: 'uint64', shape: [3], data: BigUint64Array.from([0n, 7n, 2n ** 64n - 1n]) },
  { dtype: 'float32', shape: [2, 2], data: Float32Array.from([-1.5, 0, 3.25, Infinity]) },
  { dtype: 'float64', shape: [2, 1, 2], data: Float64Array.from([Math.PI, -0, 1e-300, NaN]) },
  { dtype: 'bool', shape: [4], data: Uint8Array.from([1, 0, 0, 1]) },
  { dtype: 'float64', shape: [], data: Float64Array.from([42]) },
  { dtype: 'int32', shape: [0, 5], data: new Int32Array(0) },
];

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'nes-npy-'));
}

/** Builds a v1 .npy by hand, so error cases do not depend on encodeNpy. */
function handMadeNpy(header: string, data: Uint8Array, major = 1): Uint8Array {
  const prefix = major === 1 ? 10 : 12;
  const headerBytes = new TextEncoder().encode(header + '\n');
  const out = new Uint8Array(prefix + headerBytes.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, headerBytes.length, true);
  else view.setUint32(8, headerBytes.length, true);
  out.set(headerBytes, prefix);
  out.set(data, prefix + headerBytes.length);
  return out;
}

test('every dtype round-trips through encode/parse, data aligned to 64 bytes', () => {
  for (const sample of SAMPLES) {
    const bytes = encodeNpy(sample);
    const headerLength = new DataView(bytes.buffer).getUint16(8, true);
    assert.equal((10 + headerLength) % 64, 0, `alignment for ${sample.dtype}`);
    const back = parseNpy(bytes);
    assert.equal(back.dtype, sample.dtype);
    assert.deepEqual(back.shape, sample.shape);
    assert.equal(back.data.constructor, sample.data.constructor);
    assert.deepEqual(Array.from(back.data as ArrayLike<unknown>), Array.from(sample.data as ArrayLike<unknown>));
  }
});

test('writeNpy/readNpy round-trip on disk and leave no temp file', () => {
  const dir = tempDir();
  try {
    const path = join(dir, 'a.npy');
    writeNpy(path, SAMPLES[4]);
    writeNpy(path, SAMPLES[8]); // overwrite in place
    assert.deepEqual(readdirSync(dir), ['a.npy']);
    assert.deepEqual(Array.from(readNpy(path).data as Float32Array), Array.from(SAMPLES[8].data as Float32Array));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('format versions 2.0 and 3.0 are read', () => {
  const data = new Uint8Array(Int16Array.from([5, -6]).buffer);
  for (const major of [2, 3]) {
    const arr = parseNpy(handMadeNpy("{'descr': '<i2', 'fortran_order': False, 'shape': (2,), }", data, major));
    assert.deepEqual(Array.from(arr.data as Int16Array), [5, -6]);
  }
});

test('clear one-line errors for malformed files', () => {
  const f4 = new Uint8Array(8);
  const cases: [Uint8Array, RegExp][] = [
    [new TextEncoder().encode('PK\x03\x04 not numpy at all'), /^x\.npy: not a \.npy file: bad magic/],
    [handMadeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", f4), /truncated data: expected 12 bytes for float32 \(3,\), got 8/],
    [handMadeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", f4), /trailing bytes after data: expected 4 bytes/],
    [handMadeNpy("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", f4), /unsupported dtype '<c8'/],
    [handMadeNpy("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", f4), /big-endian dtype '>f4'/],
    [handMadeNpy("{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }", f4), /fortran_order is True \(expected C order/],
    [handMadeNpy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }", f4), /unsupported structured dtype/],
    [handMadeNpy("{'descr': '|b1', 'fortran_order': False, 'shape': (1,), }", Uint8Array.of(7)), /bool array holds bytes other than 0 and 1/],
  ];
  for (const [bytes, message] of cases) {
    assert.throws(
      () => parseNpy(bytes, 'x.npy'),
      (error: unknown) => error instanceof DataFormatError && message.test(error.message) && !error.message.includes('\n'),
      String(message),
    );
  }
  assert.throws(() => readNpy('/nonexistent/q.npy'), /\/nonexistent\/q\.npy: cannot read file \(ENOENT\)/);
});

test('encodeNpy refuses data that does not match dtype or shape', () => {
  assert.throws(() => encodeNpy({ dtype: 'float32', shape: [2], data: new Float64Array(2) }), DataFormatError);
  assert.throws(() => encodeNpy({ dtype: 'float32', shape: [3], data: new Float32Array(2) }), /data has 2 elements, shape needs 3/);
  assert.throws(() => encodeNpy({ dtype: 'bool', shape: [1], data: Uint8Array.of(2) }), /bool data holds values other than 0 and 1/);
});

test('expectShape, asFloat32 and asLabels', () => {
  const images: NpyArray = { dtype: 'uint8', shape: [4, 28, 28], data: new Uint8Array(4 * 784) };
  expectShape(images, [null, 28, 28], 'images.npy');
  assert.throws(() => expectShape(images, [null, 32, 32, 3], 'images.npy'), /images\.npy: shape \(4, 28, 28\), expected \(\*, 32, 32, 3\)/);

  const int64Labels: NpyArray = { dtype: 'int64', shape: [3], data: BigInt64Array.from([0n, 9n, 3n]) };
  assert.deepEqual(Array.from(asLabels(int64Labels, 10)), [0, 9, 3]);
  assert.deepEqual(Array.from(asFloat32(int64Labels)), [0, 9, 3]);
  assert.throws(() => asLabels(int64Labels, 9, 'y.npy'), /y\.npy: label at index 1 is 9, expected a class in \[0, 9\)/);
  const negative: NpyArray = { dtype: 'int32', shape: [1], data: Int32Array.of(-1) };
  assert.throws(() => asLabels(negative, 10), /label at index 0 is -1/);
  const fractional: NpyArray = { dtype: 'float32', shape: [2], data: Float32Array.of(1, 2.5) };
  assert.throws(() => asLabels(fractional, 10), /label at index 1 is 2\.5, expected an integer/);
});

const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;

test('cross-check with numpy', { skip: hasNumpy ? false : 'python3 with numpy not available' }, () => {
  const dir = tempDir();
  try {
    // numpy writes, we read.
    execFileSync('python3', [
      '-c',
      `import numpy as np, sys
d = sys.argv[1]
np.save(d + '/u1.npy', np.arange(24, dtype=np.uint8).reshape(2, 3, 4))
np.save(d + '/i8.npy', np.array([-5, 0, 2**40], dtype=np.int64))
np.save(d + '/f4.npy', np.array([[0.5, -1.25]], dtype=np.float32))
np.save(d + '/b1.npy', np.array([True, False, True]))
np.save(d + '/scalar.npy', np.float64(2.5))
np.save(d + '/big.npy', np.zeros((2,), dtype='>f4'))
np.save(d + '/fortran.npy', np.asfortranarray(np.zeros((2, 3), dtype=np.float32)))
np.lib.format.write_array(open(d + '/v3.npy', 'wb'), np.array([7, 8], dtype=np.int16), version=(3, 0))`,
      dir,
    ]);
    const u1 = readNpy(join(dir, 'u1.npy'));
    assert.equal(u1.dtype, 'uint8');
    assert.deepEqual(u1.shape, [2, 3, 4]);
    assert.deepEqual(Array.from(u1.data as Uint8Array), Array.from({ length: 24 }, (_, i) => i));
    assert.deepEqual(Array.from(readNpy(join(dir, 'i8.npy')).data as BigInt64Array), [-5n, 0n, 2n ** 40n]);
    assert.deepEqual(Array.from(readNpy(join(dir, 'f4.npy')).data as Float32Array), [0.5, -1.25]);
    assert.deepEqual(readNpy(join(dir, 'b1.npy')), { dtype: 'bool', shape: [3], data: Uint8Array.of(1, 0, 1) });
    assert.deepEqual(readNpy(join(dir, 'scalar.npy')), { dtype: 'float64', shape: [], data: Float64Array.of(2.5) });
    assert.deepEqual(Array.from(readNpy(join(dir, 'v3.npy')).data as Int16Array), [7, 8]);
    assert.throws(() => readNpy(join(dir, 'big.npy')), /big-endian/);
    assert.throws(() => readNpy(join(dir, 'fortran.npy')), /fortran_order is True/);

    // We write, numpy reads: print dtype, shape and values for every sample.
    SAMPLES.forEach((sample, i) => writeNpy(join(dir, `ours${i}.npy`), sample));
    const report = execFileSync('python3', [
      '-c',
      `import numpy as np, sys, json
out = []
for i in range(int(sys.argv[2])):
    a = np.load(sys.argv[1] + '/ours%d.npy' % i)
    out.append([a.dtype.str, list(a.shape), [repr(v) for v in a.ravel().tolist()]])
print(json.dumps(out))`,
      dir,
      String(SAMPLES.length),
    ]).toString();
    const parsed = JSON.parse(report) as [string, number[], string[]][];
    SAMPLES.forEach((sample, i) => {
      const [descr, shape, values] = parsed[i];
      assert.equal(descr.slice(1), encodedDescr(sample).slice(1), `descr of ${sample.dtype}`);
      assert.deepEqual(shape, sample.shape);
      const expected = Array.from(sample.data as ArrayLike<number | bigint>, (v) => pythonRepr(v, sample.dtype));
      assert.deepEqual(values, expected, `values of ${sample.dtype}`);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function encodedDescr(sample: NpyArray): string {
  return /'descr': '([^']+)'/.exec(new TextDecoder().decode(encodeNpy(sample).subarray(10, 80)))![1];
}

function pythonRepr(value: number | bigint, dtype: NpyArray['dtype']): string {
  if (dtype === 'bool') return value ? 'True' : 'False';
  if (typeof value === 'bigint') return value.toString();
  if (dtype === 'float32' || dtype === 'float64') {
    if (Number.isNaN(value)) return 'nan';
    if (value === Infinity) return 'inf';
    if (Object.is(value, -0)) return '-0.0';
    return Number.isInteger(value) ? value.toFixed(1) : String(value);
  }
  return String(value);
}
