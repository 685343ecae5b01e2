import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { readNpy, writeNpy } from '../../src/data/npy.js';
import { loadFashionMnist } from '../../src/data/fashion-mnist.js';
import type { LabelledImages } from '../../src/data/types.js';
import { genotypeId } from '../../src/space/id.js';
import { loadNamedGenotype } from '../../src/space/named.js';
import { runCli } from '../helpers/cli.js';
import { TINY_SEARCH } from '../helpers/tiny-search.js';

const tinyConfig = TINY_SEARCH;

test('nes search runs NES-RS end to end on the embedded data and records everything', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nes-search-'));
  const configPath = join(dir, 'tiny.json');
  writeFileSync(configPath, JSON.stringify(tinyConfig));
  const result = await runCli(['search', '--config', configPath, '--runs-dir', join(dir, 'runs'), '--run-id', 'tiny', '--quiet']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /engine: /);
  // One convention everywhere: "severity", error in percent, ECE as a fraction.
  assert.match(result.stdout, /method\s+M\s+severity\s+test NLL\s+error %\s+ECE\s+members/);
  assert.match(result.stdout, /\nrs\s+2\s+0\s+\d\.\d{4}\s+\d+\.\d{2}\s+0\.\d{4}\s/);

  const runDir = join(dir, 'runs', 'tiny');
  const results = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8'));
  const rs = results.methods.rs;
  assert.equal(rs.pool.length, 3);
  assert.equal(rs.failed.length, 0);
  // One ensemble per severity, each selected on validation data at that severity.
  assert.deepEqual(rs.ensembles.map((e: { severity: number; selectedOnSeverity: number }) => [e.severity, e.selectedOnSeverity]), [[0, 0], [2, 2]]);
  assert.deepEqual(rs.cleanSelection.map((e: { severity: number; selectedOnSeverity: number }) => [e.severity, e.selectedOnSeverity]), [[2, 0]]);
  const ensemble = rs.ensembles[0];
  assert.equal(ensemble.members.length, 2);
  assert.equal(new Set(ensemble.members).size, 2, 'forward selection is without replacement');
  // The summary printed on stdout carries the numbers of results.json.
  assert.ok(result.stdout.includes(ensemble.test.nll.toFixed(4)));
  assert.deepEqual(results.table.map((row: { severity: number }) => row.severity), [0, 2]);
  assert.deepEqual(results.table[0], {
    method: 'rs', size: 2, severity: 0, nll: ensemble.test.nll, error: ensemble.test.error, ece: ensemble.test.ece, brier: ensemble.test.brier,
  });
  // Corrupted test data changes the predictions, so the metrics differ from the clean ones.
  assert.notEqual(rs.ensembles[1].test.nll, ensemble.test.nll);
  assert.deepEqual(Object.keys(rs.pool[0].testBySeverity), ['0', '2']);
  // Anytime curve: selection redone on the first 2 and on all 3 networks.
  assert.deepEqual(rs.anytime.map((p: { networks: number }) => p.networks), [2, 3]);

  // Each member: a loadable tfjs model and its cached predictions.
  const memberDirs = readdirSync(join(runDir, 'members', 'rs'));
  assert.equal(memberDirs.length, 3);
  for (const member of memberDirs) {
    for (const file of ['model.json', 'weights.bin', 'validation.npy', 'test.npy', 'validation-severity-2.npy', 'test-severity-2.npy']) {
      assert.ok(existsSync(join(runDir, 'members', 'rs', member, file)), `${member}/${file}`);
    }
    const test = readNpy(join(runDir, 'members', 'rs', member, 'test.npy'));
    assert.deepEqual(test.shape, [results.dataset.test, 10]);
  }

  assert.deepEqual(readNpy(join(runDir, 'labels', 'test.npy')).shape, [results.dataset.test]);

  const events = readFileSync(join(runDir, 'journal.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l).event);
  assert.equal(events.filter((e: string) => e === 'proposed').length, 3);
  assert.equal(events.filter((e: string) => e === 'finished').length, 3);
  assert.equal(events.at(-1), 'run-finished');
  assert.deepEqual(JSON.parse(readFileSync(join(runDir, 'config.json'), 'utf8')).budget, 3);
});

test('an invalid config exits with code 2 and one line per problem, without a stack trace', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nes-bad-'));
  const configPath = join(dir, 'bad.json');
  writeFileSync(configPath, JSON.stringify({ budget: -1, training: { epoch: 3 } }));
  const result = await runCli(['search', '--config', configPath, '--runs-dir', join(dir, 'runs')]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /\/budget: must be >= 1, got -1/);
  assert.match(result.stderr, /\/training: unknown key "epoch"; allowed keys: epochs/);
  assert.doesNotMatch(result.stderr, /\n\s+at /);
  assert.equal(existsSync(join(dir, 'runs')), false, 'no run folder for a rejected config');
});

test('unknown flags and verbs are usage errors', async () => {
  const flag = await runCli(['search', '--budgett', '3']);
  assert.equal(flag.code, 2);
  assert.match(flag.stderr, /nes search: Unknown option '--budgett'/);
  const verb = await runCli(['serch']);
  assert.equal(verb.code, 2);
  assert.match(verb.stderr, /unknown verb "serch"; use one of search/);
});

test('nes search: --severities, --selection and --anytime-step reach the config; progress shows the prediction phase and both times', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nes-search-flags-'));
  const configPath = join(dir, 'tiny.json');
  writeFileSync(configPath, JSON.stringify({ ...tinyConfig, budget: 2 }));
  const result = await runCli(['search', '--config', configPath, '--runs-dir', join(dir, 'runs'), '--run-id', 'flags', '--severities', '0,3', '--selection', 'top', '--anytime-step', '1']);
  assert.equal(result.code, 0, result.stderr);
  const config = JSON.parse(readFileSync(join(dir, 'runs', 'flags', 'config.json'), 'utf8'));
  assert.deepEqual(config.shift.severities, [0, 3]);
  assert.equal(config.selection.method, 'top');
  assert.equal(config.evaluation.anytimeStep, 1);
  // Every setting the networks were built with is in config.json, the macro too.
  assert.deepEqual(config.macro, { cells: 2, channels: 4, stemMultiplier: 3 });
  // Epoch lines carry an ETA from the first epoch on; the prediction phase is announced; the
  // summary line gives training and prediction time apart.
  assert.match(result.stdout, /rs trial \d: epoch 1\/1 loss \d\.\d{4}, ETA \d+ (s|min) for rs/);
  assert.match(result.stdout, /rs trial \d: predicting 4 evaluation sets \(validation and test, each severity\)/);
  assert.match(result.stdout, /validation NLL \d\.\d{4}, \d+\.\d s training \+ \d+\.\d s predicting/);
  const results = JSON.parse(readFileSync(join(dir, 'runs', 'flags', 'results.json'), 'utf8'));
  assert.ok(results.methods.rs.pool.every((m: { predictSeconds: number }) => m.predictSeconds > 0));
});

test('NES-RE and NES-RS run end to end on the NB201 space, on .npy files named relative to the config, from another folder', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nes-search-npy-'));
  const source = loadFashionMnist();
  const split = (name: string, set: LabelledImages, count: number) => {
    const images = join(dir, `${name}-images.npy`);
    const labels = join(dir, `${name}-labels.npy`);
    writeNpy(images, { dtype: 'uint8', shape: [count, 28, 28], data: set.images.slice(0, count * 784) });
    writeNpy(labels, { dtype: 'int64', shape: [count], data: BigInt64Array.from(set.labels.slice(0, count), BigInt) });
    // Relative to the config file, which lies next to them.
    return { images: basename(images), labels: basename(labels) };
  };
  const configPath = join(dir, 'npy.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      methods: ['rs', 're'],
      space: 'nb201',
      budget: 4,
      ensembleSizes: [2],
      macro: { cells: 1, channels: 4 },
      dataset: { name: 'npy', train: split('train', source.train, 60), validation: split('validation', source.validation, 40), test: split('test', source.test, 40) },
      training: { epochs: 1, batchSize: 30 },
      re: { population: 2, parents: 2 },
      shift: { severities: [0] },
      execution: { workers: 2 },
    }),
  );
  const elsewhere = mkdtempSync(join(tmpdir(), 'nes-search-cwd-'));
  const result = await runCli(['search', '--config', configPath, '--runs-dir', join(dir, 'runs'), '--run-id', 'npy', '--quiet'], { cwd: elsewhere });
  assert.equal(result.code, 0, result.stderr);
  const results = JSON.parse(readFileSync(join(dir, 'runs', 'npy', 'results.json'), 'utf8'));
  // The run's config holds the absolute paths, so it resumes from anywhere.
  const stored = JSON.parse(readFileSync(join(dir, 'runs', 'npy', 'config.json'), 'utf8'));
  assert.equal(stored.dataset.train.images, join(dir, 'train-images.npy'));
  assert.equal(stored.dataset.test.labels, join(dir, 'test-labels.npy'));
  assert.deepEqual(results.dataset.inputShape, [28, 28, 1]);
  assert.equal(results.dataset.test, 40);
  for (const method of ['rs', 're']) {
    assert.equal(results.methods[method].pool.length, 4, method);
    assert.ok(results.methods[method].pool.every((m: { genotype: { space: string } }) => m.genotype.space === 'nb201'));
  }
  // RE's last two networks are children of the population, each recording its parent and mutation.
  const journal = readFileSync(join(dir, 'runs', 'npy', 'journal.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
  const reProposals = journal.filter((e) => e.event === 'proposed' && e.method === 're').map((e) => e.trial.origin);
  assert.deepEqual(reProposals.map((o) => o.source), ['random', 'random', 'mutation', 'mutation']);
  assert.ok(reProposals.slice(2).every((o) => [0, 1].includes(o.parent) && o.mutation.kind === 'op'));
});

test('the DeepEns baselines: fixed DARTS-V2, the best NES-RS architecture, and selection among its seeds', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nes-search-deepens-'));
  const configPath = join(dir, 'deepens.json');
  writeFileSync(configPath, JSON.stringify({ ...tinyConfig, methods: ['rs', 'deepens-rs', 'deepens-es', 'deepens'], shift: { severities: [0] } }));
  const result = await runCli(['search', '--config', configPath, '--runs-dir', join(dir, 'runs'), '--run-id', 'deepens', '--quiet']);
  assert.equal(result.code, 0, result.stderr);
  const { methods } = JSON.parse(readFileSync(join(dir, 'runs', 'deepens', 'results.json'), 'utf8'));
  const ids = (method: string) => new Set(methods[method].pool.map((m: { genotypeId: string }) => m.genotypeId));
  const seeds = (method: string) => new Set(methods[method].pool.map((m: { seed: number }) => m.seed));
  const bestRs = methods.rs.pool.reduce((a: { validation: { nll: number } }, b: { validation: { nll: number } }) => (b.validation.nll < a.validation.nll ? b : a));
  // DeepEns trains max(M) = 2 seeds, DeepEns+ES the budget of 3, all of one architecture.
  assert.deepEqual([methods['deepens-rs'].pool.length, methods['deepens-es'].pool.length, methods.deepens.pool.length], [2, 3, 2]);
  assert.deepEqual([...ids('deepens-rs')], [bestRs.genotypeId]);
  assert.deepEqual([...ids('deepens-es')], [bestRs.genotypeId]);
  assert.deepEqual([...ids('deepens')], [genotypeId(loadNamedGenotype('darts-v2'))]);
  for (const method of ['deepens-rs', 'deepens-es', 'deepens']) assert.equal(seeds(method).size, methods[method].pool.length, `${method}: distinct seeds`);
  // DeepEns ensembles are the first M seeds; DeepEns+ES selects among its seeds.
  assert.deepEqual(methods.deepens.ensembles[0].members, [0, 1]);
  assert.equal(methods.deepens.ensembles[0].selection, 'first');
  assert.equal(methods['deepens-es'].ensembles[0].selection, 'forward');
});

test('nes --help lists every verb, and each verb has its own help', async () => {
  const main = await runCli(['--help']);
  assert.equal(main.code, 0);
  const verbs = ['search', 'select', 'export', 'predict', 'report', 'leaderboard', 'runs', 'corrupt', 'worker', 'metrics'];
  for (const verb of verbs) assert.match(main.stdout, new RegExp(`^  ${verb} `, 'm'));
  for (const verb of verbs) {
    const [viaFlag, viaHelp] = await Promise.all([runCli([verb, '--help']), runCli(['help', verb])]);
    assert.equal(viaFlag.code, 0, verb);
    assert.match(viaFlag.stdout, new RegExp(`^Usage: nes ${verb}`), verb);
    assert.equal(viaHelp.stdout, viaFlag.stdout, verb);
  }
});

test('a search in which every trial failed exits 1 and says why', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nes-search-failed-'));
  const configPath = join(dir, 'diverges.json');
  writeFileSync(configPath, JSON.stringify({ ...tinyConfig, budget: 2, training: { epochs: 1, batchSize: 32, learningRate: 1e30 }, shift: { severities: [0] } }));
  const result = await runCli(['search', '--config', configPath, '--runs-dir', join(dir, 'runs'), '--quiet']);
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /nes: every trial failed \(2\), so there is no ensemble:\n {2}2 × non-finite training loss NaN at epoch 1, batch \d/);
});

test('networks that diverge to NaN predictions with a finite loss are failed trials; the search still finishes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nes-search-nan-'));
  const configPath = join(dir, 'nan-predictions.json');
  writeFileSync(configPath, JSON.stringify({ ...tinyConfig, budget: 2, training: { epochs: 1, batchSize: 32, learningRate: 1e6 }, shift: { severities: [0] } }));
  const result = await runCli(['search', '--config', configPath, '--runs-dir', join(dir, 'runs'), '--run-id', 'nan', '--quiet']);
  assert.equal(result.code, 1, result.stderr);
  assert.doesNotMatch(result.stderr, /internal error/);
  const results = JSON.parse(readFileSync(join(dir, 'runs', 'nan', 'results.json'), 'utf8'));
  assert.equal(results.methods.rs.failed.length, 2);
  for (const failure of results.methods.rs.failed) {
    assert.match(failure.reason, /^predictions are not probabilities \(NaN in the validation predictions at severity 0; last training loss [\d.e+]+\): the training diverged$/);
  }
});
