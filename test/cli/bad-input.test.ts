/**
 * The catalogue of bad inputs: each must give one clear line naming what is wrong and what is
 * expected, exit code 2, no stack trace, and leave an existing run untouched.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeNpy } from '../../src/data/npy.js';
import { encodeIdx } from '../../src/data/idx.js';
import { searchSpacesDir } from '../../src/space/paths.js';
import { reportError } from '../../src/cli/report-error.js';
import { UsageError } from '../../src/cli/usage-error.js';
import { CompareInputError } from '../../src/compare/errors.js';
import { DataFormatError } from '../../src/data/errors.js';
import { MetricInputError } from '../../src/evaluate/errors.js';
import { EnsembleInputError } from '../../src/export/errors.js';
import { probeRedis } from '../../src/farm/redis/executor.js';
import { RedisGoneError } from '../../src/farm/redis/outage.js';
import { StorageError } from '../../src/farm/storage-error.js';
import { ConfigError, resolveConfig } from '../../src/run/config.js';
import { JournalError } from '../../src/run/journal-reader.js';
import { RunFolderError } from '../../src/run/run-folder.js';
import { loadConfigInputs } from '../../src/search/config-inputs.js';
import { planMethod } from '../../src/search/methods.js';
import { NesInputError } from '../../src/util/errors.js';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'nes-bad-input-'));
const runsDir = join(dir, 'runs');
const file = (name: string, content: string | Uint8Array) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const config = (name: string, value: unknown) => file(`${name}.json`, JSON.stringify(value));
const npy = (name: string, dtype: 'float32' | 'int32' | 'uint8' | 'float64', shape: number[], data: ArrayLike<number>) => {
  const make = { float32: Float32Array, int32: Int32Array, uint8: Uint8Array, float64: Float64Array }[dtype];
  return file(name, encodeNpy({ dtype, shape, data: make.from(data) }));
};

/** A folder of the 4 official Fashion-MNIST files, broken in one way. */
function fmnistDir(name: string, breakIt: (files: Record<string, Uint8Array>) => void): string {
  const folder = join(dir, name);
  mkdirSync(folder);
  const files: Record<string, Uint8Array> = {
    'train-images-idx3-ubyte': encodeIdx(new Uint8Array(60_000 * 784), [60_000, 28, 28]),
    'train-labels-idx1-ubyte': encodeIdx(new Uint8Array(60_000), [60_000]),
    't10k-images-idx3-ubyte': encodeIdx(new Uint8Array(10_000 * 784), [10_000, 28, 28]),
    't10k-labels-idx1-ubyte': encodeIdx(new Uint8Array(10_000), [10_000]),
  };
  breakIt(files);
  for (const [fileName, bytes] of Object.entries(files)) writeFileSync(join(folder, `${fileName}.gz`), gzipSync(bytes));
  return folder;
}

const good = { budget: 2, ensembleSizes: [2], training: { epochs: 1 } };
const probs = npy('probs.npy', 'float32', [2, 3, 2], [0.9, 0.1, 0.2, 0.8, 0.5, 0.5, 0.6, 0.4, 0.3, 0.7, 0.5, 0.5]);
const labels = npy('labels.npy', 'uint8', [3], [0, 1, 0]);

/** A finished-looking run to keep untouched: config, journal with a damaged middle line. */
const damagedRun = join(runsDir, 'damaged');
mkdirSync(join(damagedRun, 'members'), { recursive: true });
writeFileSync(join(damagedRun, 'config.json'), JSON.stringify(good));
writeFileSync(join(damagedRun, 'journal.jsonl'), '{"event":"run-started","time":"x"}\nnot json\n{"event":"run-finished","time":"y"}\n');
const notARun = join(runsDir, 'not-a-run');
mkdirSync(notARun, { recursive: true });

const cases: [string, string[], RegExp][] = [
  // Configs.
  ['wrong type', ['search', '--config', config('type', { budget: 'ten' })], /\/budget: expected integer, got "ten"/],
  ['unknown key', ['search', '--config', config('key', { budgets: 3 })], /\/: unknown key "budgets"; allowed keys: seed, methods, budget/],
  ['unknown nested key', ['search', '--config', config('nested', { training: { lr: 0.1 } })], /\/training: unknown key "lr"; allowed keys: epochs/],
  ['negative budget', ['search', '--config', config('negative', { budget: -4 })], /\/budget: must be >= 1, got -4/],
  ['absurd network width', ['search', '--config', config('wide', { macro: { channels: 1_000_000_000 } })], /\/macro\/channels: must be <= 1024, got 1000000000/],
  ['zero epochs', ['search', '--config', config('zero', { training: { epochs: 0 } })], /\/training\/epochs: must be >= 1, got 0/],
  ['M larger than the budget', ['search', '--config', config('m', { budget: 3, ensembleSizes: [5] })], /ensemble size 5 is larger than the budget of 3/],
  ['unknown method', ['search', '--config', config('method', { methods: ['bo'] })], /\/methods\/0: "bo" is not allowed; use one of "rs", "re"/],
  ['unknown engine', ['search', '--config', config('engine', { execution: { engine: 'gpu' } })], /\/execution\/engine: "gpu" is not allowed; use one of "auto"/],
  ['severity out of range', ['search', '--config', config('severity', { shift: { severities: [0, 7] } })], /\/shift\/severities\/1: must be <= 5, got 7/],
  ['severities without clean data', ['search', '--config', config('clean', { shift: { severities: [3] } })], /\/shift\/severities: must include 0/],
  ['RE parents above population', ['search', '--config', config('parents', { methods: ['re'], re: { population: 4, parents: 8 } })], /\/re\/parents: 8 parent candidates cannot be chosen from a population of 4/],
  ['deepens-rs without rs', ['search', '--config', config('order', { methods: ['deepens-rs'] })], /"deepens-rs" uses the best architecture of NES-RS; list "rs" before it/],
  ['redis without URL', ['search', '--config', config('redis', { execution: { executor: 'redis' } })], /\/execution\/redis: executor "redis" needs the queue URL/],
  ['a Redis timeout of zero', ['search', '--config', config('redis-timeout', { execution: { redisTimeoutSeconds: 0 } })], /\/execution\/redisTimeoutSeconds: must be > 0, got 0/],
  ['a time limit of zero', ['search', '--config', config('time-limit', { execution: { timeLimitSeconds: 0 } })], /\/execution\/timeLimitSeconds: must be > 0, got 0/],
  ['a --max-hours that is not a number', ['search', '--max-hours', 'soon'], /nes search: --max-hours expects a number of hours > 0 \(e\.g\. 0\.5\), got "soon"/],
  ['a negative --redis-timeout', ['search', '--redis-timeout', '-5'], /nes search: --redis-timeout expects a number of seconds > 0, got "-5"/],
  ['a worker --redis-timeout that is not a number', ['worker', '--redis', 'redis://127.0.0.1:1', '--redis-timeout', 'soon'], /nes worker: --redis-timeout expects a number of seconds > 0, got "soon"/],
  ['unknown space', ['search', '--config', config('space', { ...good, space: 'dartz' })], /\/space: unknown search space 'dartz' \(shipped: darts, nb201/],
  ['space with an unknown op', ['search', '--config', config('space-op', { ...good, space: file('myspace.json', readFileSync(join(searchSpacesDir(), 'darts.json'), 'utf8').replace('"sep_conv_5x5"', '"conv_7x7"')) })], /\/space: .*conv_7x7/],
  ['fixed genotype with an unknown op', ['search', '--config', config('genotype', { ...good, methods: ['deepens'], deepens: { genotype: file('g.json', readFileSync(join(searchSpacesDir(), 'genotypes', 'darts-v2.json'), 'utf8').replace('"dil_conv_3x3"', '"conv_9x9"')) } })], /\/deepens\/genotype: .*conv_9x9/],
  ['missing genotype file', ['search', '--config', config('nofile', { ...good, methods: ['deepens'], deepens: { genotype: join(dir, 'missing.json') } })], /\/deepens\/genotype: unknown genotype/],
  ['unknown corruption suite', ['search', '--config', config('suite', { ...good, shift: { testSuite: 'imagenet-c' } })], /\/shift\/testSuite: unknown corruption suite "imagenet-c"/],
  ['missing config file', ['search', '--config', join(dir, 'absent.json')], /absent\.json: cannot read the config file; expected a JSON file/],
  ['a config that is null', ['search', '--config', file('null.json', 'null')], /null\.json: a config is a JSON object \(\{ … \}\), got null/],
  ['a config that is an array', ['search', '--config', file('array.json', '[1]')], /array\.json: a config is a JSON object \(\{ … \}\), got an array/],
  ['a config nested 100,000 levels deep', ['search', '--config', file('deep.json', '['.repeat(100_000) + ']'.repeat(100_000))], /deep\.json: JSON nested 100000 levels deep; a config is at most 32 levels deep/],
  ['config that is not JSON', ['search', '--config', file('broken.json', '{"budget": 3,')], /broken\.json: not valid JSON/],
  // Data.
  ['a missing .npy file, named relative to its config', ['search', '--config', config('npy-missing', { ...good, dataset: { name: 'npy', train: { images: 'x_train.npy', labels: 'y_train.npy' }, test: { images: 'x_test.npy', labels: 'y_test.npy' } } })], new RegExp(`${join(dir, 'x_train.npy').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*\\(config key dataset\\.train\\.images\\)`)],
  ['missing data folder', ['search', '--config', config('nodata', good), '--data-dir', join(dir, 'nowhere')], /train-images-idx3-ubyte\.gz: file not found/],
  ['truncated IDX', ['search', '--config', config('trunc', good), '--data-dir', fmnistDir('truncated', (f) => (f['t10k-images-idx3-ubyte'] = f['t10k-images-idx3-ubyte']!.subarray(0, 5000)))], /t10k-images-idx3-ubyte\.gz: truncated data: expected 7840000 bytes for dimensions 10000×28×28, got 4984/],
  ['wrong IDX magic number', ['search', '--config', config('magic', good), '--data-dir', fmnistDir('magic', (f) => (f['train-labels-idx1-ubyte']![3] = 3))], /train-labels-idx1-ubyte\.gz: .*magic/],
  ['labels out of range', ['search', '--config', config('range', good), '--data-dir', fmnistDir('range', (f) => (f['t10k-labels-idx1-ubyte']![8 + 17] = 11))], /t10k-labels-idx1-ubyte\.gz: .*label.* 11/],
  ['corrupt gzip', ['search', '--config', config('gzip', good), '--data-dir', (() => { const d = fmnistDir('gzip', () => {}); const p = join(d, 'train-labels-idx1-ubyte.gz'); const b = readFileSync(p); b[b.length - 6] ^= 0xff; writeFileSync(p, b); return d; })()], /train-labels-idx1-ubyte\.gz: .*gzip/i],
  ['probabilities of a wrong dtype', ['metrics', '--probs', npy('int.npy', 'int32', [3, 2], [1, 0, 0, 1, 1, 0]), '--labels', labels], /int\.npy: dtype int32, expected float32 or float64 probabilities/],
  ['probabilities of a wrong shape', ['metrics', '--probs', npy('flat.npy', 'float32', [6], [0.5, 0.5, 0.5, 0.5, 0.5, 0.5]), '--labels', labels], /flat\.npy: shape \(6,\), expected \(N, C\) or \(K, N, C\)/],
  ['labels that do not match the predictions', ['select', '--pool', probs, '--labels', npy('short.npy', 'uint8', [2], [0, 1]), '--size', '1'], /short\.npy: shape \(2,\), expected \(3,\)/],
  ['labels out of range for the classes', ['metrics', '--probs', probs, '--labels', npy('big.npy', 'uint8', [3], [0, 1, 2])], /big\.npy: label at index 2 is 2, expected a class in \[0, 2\)/],
  ['predictions without a single point (a MetricInputError)', ['metrics', '--probs', npy('none.npy', 'float32', [0, 2], []), '--labels', npy('no-labels.npy', 'uint8', [0], [])], /labels are empty: metrics need at least one point/],
  ['a file that is not .npy', ['metrics', '--probs', file('text.npy', 'hello world, not numpy'), '--labels', labels], /text\.npy: .*magic/],
  // Run folders.
  ['resume of a missing run', ['search', '--resume', join(runsDir, 'nope')], /nope: no such run folder/],
  ['resume of a folder that is not a run', ['search', '--resume', notARun], /not-a-run: not a nes run folder \(no config\.json\)/],
  ['journal damaged in the middle', ['search', '--resume', damagedRun], /journal\.jsonl: line 2 is damaged .*cannot be resumed safely/],
  ['run id that climbs out', ['search', '--config', config('climb', good), '--runs-dir', runsDir, '--run-id', '../escape'], /run id "\.\.\/escape" is not allowed/],
  ['a folder that is not a run, as --run', ['export', '--run', '/etc', '--out', join(dir, 'out'), '--runs-dir', runsDir], /\/etc: not a nes run folder \(no config\.json\)/],
  ['an unknown run id', ['report', '--run', 'nope', '--runs-dir', runsDir], /no run "nope" in .*; give its folder \(e\.g\. runs\/nope\) or --runs-dir/],
  ['export of a run with no results', ['export', '--run', 'damaged', '--out', join(dir, 'out'), '--runs-dir', runsDir], /results\.json not found/],
  // CLI.
  ['unknown flag', ['search', '--budgett', '3'], /nes search: Unknown option '--budgett'/],
  ['missing flag value', ['search', '--budget'], /nes search: Option '--budget <value>' argument missing/],
  ['unknown verb', ['serch'], /unknown verb "serch"; use one of search/],
  ['missing required flag', ['select', '--pool', probs, '--labels', labels], /nes select: --size is required/],
  ['malformed list', ['search', '--sizes', '3,x'], /nes search: --sizes expects an integer ≥ 1, got "x"/],
  ['a negative flag value', ['metrics', '--probs', probs, '--labels', labels, '--bins', '-3'], /nes metrics: --bins expects an integer ≥ 1, got "-3"/],
  ['a negative size', ['select', '--pool', probs, '--labels', labels, '--size', '-1'], /nes select: --size expects an integer ≥ 1, got "-1"/],
  ['a negative label', ['metrics', '--probs', probs, '--labels', npy('negative.npy', 'int32', [3], [0, -1, 1])], /negative\.npy: label at index 1 is -1; labels are class indices 0, 1, 2, … \(no negative values\)/],
  ['a genotype file that is not JSON', ['search', '--config', config('bad-genotype', { ...good, methods: ['deepens'], deepens: { genotype: file('broken-genotype.json', '{"space": "darts",') } })], /\/deepens\/genotype: genotype .*broken-genotype\.json: not valid JSON/],
];

function snapshot(folder: string): string {
  const hash = createHash('sha256');
  const walk = (path: string) => {
    for (const entry of readdirSync(path).sort()) {
      const full = join(path, entry);
      hash.update(full);
      if (statSync(full).isDirectory()) walk(full);
      else hash.update(readFileSync(full));
    }
  };
  walk(folder);
  return hash.digest('hex');
}

test(`${cases.length} bad inputs each give one clear line and exit code 2`, { concurrency: true }, async (t) => {
  assert.ok(cases.length >= 30);
  const before = snapshot(runsDir);
  const results: Awaited<ReturnType<typeof runCli>>[] = [];
  // A few at a time: each is a fresh process.
  for (let i = 0; i < cases.length; i += 4) {
    results.push(...(await Promise.all(cases.slice(i, i + 4).map(([, args]) => runCli(args)))));
  }
  cases.forEach(([name, , expected], i) => {
    const { code, stderr, stdout } = results[i]!;
    const lines = stderr.trimEnd().split('\n');
    assert.equal(code, 2, `${name}: exit code ${code}\n${stderr}${stdout}`);
    assert.equal(lines.length, 1, `${name}: expected one line, got:\n${stderr}`);
    assert.match(lines[0]!, /^nes: /, name);
    assert.match(lines[0]!, expected, name);
    assert.doesNotMatch(stderr, /\bat .+:\d+:\d+/, `${name}: stack trace`);
  });
  assert.equal(snapshot(runsDir), before, 'existing run files are untouched');
  void t;
});

/** The error `run` throws (it must throw). */
async function thrown(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  assert.fail('expected an error');
}

test('every kind of user error is a NesInputError: one line, exit code 2; anything else is internal', async (t) => {
  const config = resolveConfig({ methods: ['rs', 'deepens-rs'] });
  const userErrors: [string, unknown][] = [
    ['UsageError', new UsageError('nes search: --size is required')],
    ['ConfigError', new ConfigError(['/budget: must be >= 1, got -4'])],
    ['DataFormatError', new DataFormatError('x.npy', 'truncated data')],
    ['RunFolderError', new RunFolderError('runs/x: no such run folder')],
    ['JournalError', new JournalError('journal.jsonl: line 2 is damaged')],
    ['EnsembleInputError', new EnsembleInputError('no method "bo" in the run')],
    ['CompareInputError', new CompareInputError('runs/x is not finished')],
    ['MetricInputError', new MetricInputError('labels are empty: metrics need at least one point')],
    // planMethod when NES-RS left no pool to take the best architecture from.
    ['planMethod', await thrown(() => planMethod('deepens-rs', config, loadConfigInputs(config), []))],
    ['unreachable Redis', await thrown(() => probeRedis('redis://127.0.0.1:1', 2000))],
    // Redis gone for good mid-search, and a full disk on the Redis coordinator (test/farm/redis-faults.test.ts).
    ['RedisGoneError', new RedisGoneError('lost Redis at redis://127.0.0.1:6379: no answer for 60 s (connect ECONNREFUSED)')],
    ['StorageError', new StorageError('cannot write runs/r/members/rs/0000: no space left on the device (ENOSPC)')],
  ];
  const printed: string[] = [];
  t.mock.method(console, 'error', (line: string) => printed.push(line));
  for (const [name, error] of userErrors) {
    printed.length = 0;
    assert.ok(error instanceof NesInputError, `${name} extends NesInputError`);
    assert.equal(reportError(error), 2, name);
    assert.equal(printed.length, 1, `${name}: one line, got ${JSON.stringify(printed)}`);
    assert.match(printed[0]!, /^nes: /, name);
    assert.doesNotMatch(printed[0]!, /internal error/, name);
  }
  printed.length = 0;
  assert.equal(reportError(new TypeError('x is undefined')), 1);
  assert.match(printed[0]!, /^nes: internal error: x is undefined/);
});
