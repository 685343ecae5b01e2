import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, resolveConfig } from '../../src/run/config.js';

function problemsOf(raw: unknown): string[] {
  try {
    resolveConfig(raw);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail('config was accepted');
}

test('an empty config resolves to the published NES settings', () => {
  const config = resolveConfig({});
  assert.equal(config.budget, 400);
  assert.deepEqual(config.methods, ['rs']);
  assert.deepEqual(config.training, {
    epochs: 15,
    batchSize: 100,
    learningRate: 0.025,
    momentum: 0.9,
    weightDecay: 3e-4,
    gradientClip: 5,
  });
  assert.deepEqual(config.re, { population: 50, parents: 10, severities: [0] });
  assert.equal(config.evaluation.eceBins, 15);
});

test('resolving does not modify the caller’s object', () => {
  const raw = { budget: 7, ensembleSizes: [3] };
  resolveConfig(raw);
  assert.deepEqual(raw, { budget: 7, ensembleSizes: [3] });
});

test('unknown keys name the path and the allowed keys', () => {
  const [problem] = problemsOf({ training: { lr: 0.1 } });
  assert.match(problem!, /^\/training: unknown key "lr"; allowed keys: epochs, batchSize, learningRate/);
});

test('every problem is reported, each with its JSON path', () => {
  const problems = problemsOf({ budget: 0, training: { epochs: 'ten' }, methods: ['rs', 'bayes'] });
  assert.equal(problems.length, 3);
  assert.ok(problems.some((p) => p.startsWith('/budget: must be >= 1, got 0')));
  assert.ok(problems.some((p) => p === '/training/epochs: expected integer, got "ten"'));
  assert.ok(problems.some((p) => p.startsWith('/methods/1: "bayes" is not allowed; use one of "rs", "re"')));
});

test('an ensemble larger than the budget is refused with the fix', () => {
  const [problem] = problemsOf({ budget: 4, ensembleSizes: [3, 5] });
  assert.match(problem!, /^\/ensembleSizes: ensemble size 5 is larger than the budget of 4 networks; use sizes ≤ budget/);
});

test('the default ensemble sizes follow a small budget down; sizes given are kept', () => {
  assert.deepEqual(resolveConfig({ budget: 4 }).ensembleSizes, [3]);
  assert.deepEqual(resolveConfig({ budget: 2 }).ensembleSizes, [2]);
  assert.deepEqual(resolveConfig({ budget: 7 }).ensembleSizes, [3, 5]);
  assert.deepEqual(resolveConfig({}).ensembleSizes, [3, 5, 10]);
  const [problem] = problemsOf({ budget: 4, ensembleSizes: [3, 10] });
  assert.match(problem!, /ensemble size 10 is larger than the budget of 4 networks; use sizes ≤ budget \(--sizes\) or raise the budget \(--budget\)$/);
});

test('RE with a population as large as the budget is refused: it would be random search', () => {
  const [problem] = problemsOf({ methods: ['re'], budget: 4 });
  assert.match(problem!, /^\/re\/population: a population of 50 leaves no network of the budget \(4\) to evolution, so "re" would be random search; set "re": \{ "population": P \} with P < budget/);
  assert.equal(resolveConfig({ methods: ['re'], budget: 4, re: { population: 3, parents: 2 } }).re.population, 3);
  // Without "re" in the methods the population does not matter.
  assert.equal(resolveConfig({ methods: ['rs'], budget: 4 }).budget, 4);
});

test('RE cannot pick more parent candidates than its population holds', () => {
  const [problem] = problemsOf({ methods: ['re'], re: { population: 5, parents: 10 }, budget: 20 });
  assert.match(problem!, /^\/re\/parents: 10 parent candidates cannot be chosen from a population of 5/);
});

test('the shipped configs are valid', async () => {
  const { readdirSync, readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { PACKAGE_ROOT } = await import('../../src/version.js');
  const dir = join(PACKAGE_ROOT, 'configs');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  assert.ok(files.includes('quickstart.json') && files.includes('paper-fmnist.json'));
  for (const file of files) resolveConfig(JSON.parse(readFileSync(join(dir, file), 'utf8')));
  const paper = resolveConfig(JSON.parse(readFileSync(join(dir, 'paper-fmnist.json'), 'utf8')));
  assert.equal(paper.budget, 400);
  assert.equal(paper.training.epochs, 15);
  // The paper's CIFAR settings: 8 cells of 16 channels, 100 epochs, RE parents chosen at severities 0 and 5.
  for (const name of ['cifar10', 'cifar100']) {
    const cifar = resolveConfig(JSON.parse(readFileSync(join(dir, `paper-${name}.json`), 'utf8')));
    assert.equal(cifar.dataset.name, name);
    assert.deepEqual([cifar.budget, cifar.training.epochs, cifar.macro.cells, cifar.macro.channels], [400, 100, 8, 16], name);
    assert.deepEqual(cifar.re.severities, [0, 5]);
    assert.deepEqual(cifar.methods, paper.methods);
  }
});

test('CIFAR data sets: the files are not embedded; labels is for cifar100 only, fine by default', () => {
  const [problem] = problemsOf({ dataset: { name: 'cifar10' } });
  assert.match(
    problem!,
    /^\/dataset\/dataDir: CIFAR-10 is not embedded in nes; download the "CIFAR-10 binary version \(suitable for C programs\)" from https:\/\/www\.cs\.toronto\.edu\/~kriz\/cifar\.html, extract it and set "dataDir" \(or --data-dir\)/,
  );
  assert.match(problemsOf({ dataset: { name: 'cifar100' } })[0]!, /CIFAR-100 is not embedded/);
  assert.deepEqual(resolveConfig({ dataset: { name: 'cifar100', dataDir: 'c100' } }).dataset, { name: 'cifar100', dataDir: 'c100', labels: 'fine' });
  assert.deepEqual(resolveConfig({ dataset: { name: 'cifar100', dataDir: 'c100', labels: 'coarse' } }).dataset, { name: 'cifar100', dataDir: 'c100', labels: 'coarse' });
  assert.deepEqual(problemsOf({ dataset: { name: 'cifar10', dataDir: 'c10', labels: 'coarse' } }), ['/dataset/labels: only for "cifar100" (its "fine" or "coarse" labels); remove it']);
  assert.match(problemsOf({ dataset: { name: 'cifar100', dataDir: 'c100', labels: 'medium' } })[0]!, /^\/dataset\/labels: "medium" is not allowed; use one of "fine", "coarse"/);
  assert.match(problemsOf({ dataset: { name: 'cifar10', dataDir: 'c10', validationCount: 5 } })[0]!, /^\/dataset\/validationCount: only for "npy" data/);
});

test('the test shift has one source: generated corruptions (testSuite, default "test") or the released folder (testDataDir)', () => {
  assert.deepEqual(resolveConfig({}).shift, { severities: [0, 1, 2, 3, 4, 5], validationSuite: 'validation', testSuite: 'test' });
  assert.deepEqual(resolveConfig({ shift: { testDataDir: 'CIFAR-10-C' } }).shift, { severities: [0, 1, 2, 3, 4, 5], validationSuite: 'validation', testDataDir: 'CIFAR-10-C' });
  const [problem] = problemsOf({ shift: { testDataDir: 'CIFAR-10-C', testSuite: 'test' } });
  assert.match(problem!, /^\/shift\/testSuite: the test shift comes either from generated corruptions \(testSuite\) or from the released corrupted test sets \(testDataDir\); remove one/);
  assert.match(problemsOf({ shift: { testDataDir: '' } })[0]!, /^\/shift\/testDataDir: /);
});
