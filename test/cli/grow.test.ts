import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';

/*
 * A tiny real run (NES-RS and NES-RE, 2 networks each) grown to 4 per method through a resume
 * the time limit stops at once, a refused shrink, and a resume that goes on to the new budget.
 */

const config = {
  seed: 5,
  methods: ['rs', 're'],
  budget: 2,
  ensembleSizes: [2],
  re: { population: 1, parents: 1, severities: [0] },
  macro: { cells: 2, channels: 4 },
  dataset: { trainLimit: 48 },
  training: { epochs: 1, batchSize: 24 },
  shift: { severities: [0] },
  evaluation: { anytimeStep: 2 },
  execution: { workers: 2 },
};

interface PoolEntry {
  trialId: number;
  genotypeId: string;
  seed: number;
  validation: { nll: number };
}
type Results = { methods: Record<'rs' | 're', { pool: PoolEntry[] }> };
type Event = { event: string; [key: string]: unknown };

/** Every file of a member folder with its content hash and modification time. */
function fingerprint(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir).map((name) => {
      const path = join(dir, name);
      return [name, `${createHash('sha256').update(readFileSync(path)).digest('hex')}@${statSync(path).mtimeMs}`];
    }),
  );
}

test('a finished RS + RE run grown from 2 to 4 networks per method: a limited resume, a refused shrink, the first 2 unchanged', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nes-grow-'));
  const configPath = join(dir, 'config.json');
  writeFileSync(configPath, JSON.stringify(config));
  const runsDir = join(dir, 'runs');
  const runDir = join(runsDir, 'study');
  const results = () => JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8')) as Results;
  const journal = () => readFileSync(join(runDir, 'journal.jsonl'), 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as Event);

  const first = await runCli(['search', '--config', configPath, '--runs-dir', runsDir, '--run-id', 'study']);
  assert.equal(first.code, 0, first.stderr);
  // The estimate: unknown at the start, measured after the first network (4 networks, 2 workers).
  assert.match(first.stdout, /^cost estimate: 4 networks to train on 2 workers; seconds per network unknown until the first one finishes$/m);
  assert.match(first.stdout, /^cost estimate: 3 networks left × [\d.]+ s per network \(measured on the first network: training \+ predicting\) ÷ 2 workers ≈ [\d.]+ (s|min)$/m);
  const before = results();
  const members = (method: string, trialId: number) => join(runDir, 'members', method, String(trialId).padStart(4, '0'));
  const files = Object.fromEntries(['rs', 're'].flatMap((m) => [0, 1].map((t) => [`${m}/${t}`, fingerprint(members(m, t))])));
  const proposedBefore = journal().filter((e) => e.event === 'proposed');

  // Grown, but the time limit (0.0036 s) is over before anything can start: it ends with what it has.
  const limited = await runCli(['search', '--resume', runDir, '--budget', '4', '--max-hours', '0.000001', '--quiet']);
  assert.equal(limited.code, 0, limited.stderr);
  assert.match(limited.stdout, /^budget grown from 2 to 4 networks per method: the search goes on where it stopped$/m);
  assert.match(limited.stdout, /^cost estimate: 4 networks × [\d.]+ s per network \(mean of the networks trained before: training \+ predicting\) ÷ 2 workers ≈ .*; time limit 0.0036 s$/m);
  assert.match(limited.stdout, new RegExp(`^stopped by the time limit \\(0.0036 s\\): 4 of 8 networks trained, results and report from those; go on with:  nes search --resume ${runDir} --max-hours H$`, 'm'));
  assert.equal(JSON.parse(readFileSync(join(runDir, 'config.json'), 'utf8')).budget, 4, 'config.json records the new budget');
  const afterLimit = journal();
  assert.deepEqual(afterLimit.filter((e) => e.event === 'budget-changed').map((e) => [e.from, e.to]), [[2, 4]]);
  assert.deepEqual(
    afterLimit.filter((e) => e.event === 'time-limit-reached').map((e) => [e.method, e.proposed, e.networks]),
    [['rs', 2, 4], ['re', 2, 4]],
  );
  assert.deepEqual(results().methods.rs.pool, before.methods.rs.pool, 'nothing new trained: the same pool, evaluated again');
  assert.ok(existsSync(join(runDir, 'report.html')));

  const shrink = await runCli(['search', '--resume', runDir, '--budget', '3', '--quiet']);
  assert.equal(shrink.code, 2);
  assert.equal(
    shrink.stderr.trim(),
    'nes: --budget 3: run study already has a budget of 4 networks per method and a study cannot shrink; resume with --budget 4 or more (or without --budget)',
  );

  // Time-limited is not finished: a resume (no limit in config.json) trains to the new budget.
  const grown = await runCli(['search', '--resume', runDir, '--quiet']);
  assert.equal(grown.code, 0, grown.stderr);
  assert.doesNotMatch(grown.stdout, /nothing to resume|time limit/);
  const after = results();
  for (const method of ['rs', 're'] as const) {
    const pool = after.methods[method].pool;
    assert.deepEqual(pool.map((m) => m.trialId), [0, 1, 2, 3], `${method}: 4 members`);
    assert.deepEqual(pool.slice(0, 2), before.methods[method].pool, `${method}: the first 2 unchanged (ids, genotypes, seeds, metrics)`);
    assert.equal(new Set(pool.map((m) => `${m.genotypeId}:${m.seed}`)).size, 4, `${method}: 4 distinct trials`);
    for (const trialId of [0, 1]) assert.deepEqual(fingerprint(members(method, trialId)), files[`${method}/${trialId}`], 'member files untouched');
  }
  const events = journal();
  const proposed = events.filter((e) => e.event === 'proposed');
  assert.deepEqual(proposed.slice(0, 4), proposedBefore, 'the original proposals (origins included) are not proposed again');
  const reOrigins = proposed.filter((e) => e.method === 're').map((e) => (e.trial as { origin: { source: string } }).origin.source);
  assert.deepEqual(reOrigins, ['random', 'mutation', 'mutation', 'mutation'], 'RE (population 1) evolves on from its population');

  const again = await runCli(['search', '--resume', runDir, '--quiet']);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /finished at .*: nothing to resume, nothing trained/);
});

test('execution.timeLimitSeconds in the config: a run the limit stops before any training ends cleanly, and --max-hours on resume gives it time', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nes-limit-'));
  const configPath = join(dir, 'config.json');
  writeFileSync(configPath, JSON.stringify({ ...config, methods: ['rs'], execution: { workers: 2, timeLimitSeconds: 0.001 } }));
  const runsDir = join(dir, 'runs');
  const runDir = join(runsDir, 'limited');
  const limited = await runCli(['search', '--config', configPath, '--runs-dir', runsDir, '--run-id', 'limited', '--quiet']);
  assert.equal(limited.code, 0, limited.stderr);
  assert.match(limited.stdout, /^time limit of 0.001 s reached: no new trainings \(rs: 0 of 2 started\); those running finish, then the run is evaluated$/m);
  assert.match(limited.stdout, /^stopped by the time limit \(0.001 s\): 0 of 2 networks trained/m);
  assert.ok(existsSync(join(runDir, 'results.json')));
  const stateOf = async () => (JSON.parse((await runCli(['runs', runsDir, '--json'])).stdout) as { id: string; state: string }[]).map((run) => [run.id, run.state]);
  assert.deepEqual(await stateOf(), [['limited', 'time-limited']], 'nes runs: results, yet resumable');
  const resumed = await runCli(['search', '--resume', runDir, '--max-hours', '1', '--quiet']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.doesNotMatch(resumed.stdout, /stopped by the time limit/);
  const results = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8')) as Results;
  assert.deepEqual(results.methods.rs.pool.map((m) => m.trialId), [0, 1]);
  assert.equal(JSON.parse(readFileSync(join(runDir, 'config.json'), 'utf8')).execution.timeLimitSeconds, 0.001, '--max-hours is for this invocation only');
  assert.deepEqual(await stateOf(), [['limited', 'finished']]);
});
