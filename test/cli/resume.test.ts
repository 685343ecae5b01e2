import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, mkdtempSync, rmSync, writeFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNpy } from '../../src/data/npy.js';
import { createRng } from '../../src/util/rng.js';
import { runCli, runUntilKilled } from '../helpers/cli.js';
import { TINY_SEARCH } from '../helpers/tiny-search.js';

const BUDGET = 16;
const config = {
  seed: 11,
  methods: ['rs'],
  budget: BUDGET,
  ensembleSizes: [3],
  macro: { cells: 2, channels: 4 },
  dataset: { trainLimit: 48 },
  training: { epochs: 1, batchSize: 24 },
  shift: { severities: [0] },
  evaluation: { anytimeStep: 8 },
  execution: { workers: 2 },
};

interface Results {
  methods: { rs: { pool: { trialId: number; genotypeId: string; seed: number; validation: { nll: number } }[] } };
}

test('a search killed with SIGKILL at random moments resumes to the same pool as an uninterrupted run', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nes-resume-'));
  const configPath = join(dir, 'config.json');
  writeFileSync(configPath, JSON.stringify(config));
  const runsDir = join(dir, 'runs');

  const reference = await runCli(['search', '--config', configPath, '--runs-dir', runsDir, '--run-id', 'reference', '--quiet']);
  assert.equal(reference.code, 0, reference.stderr);

  const rng = createRng('kill-moments');
  const journalPath = join(runsDir, 'killed', 'journal.jsonl');
  const start = ['search', '--config', configPath, '--runs-dir', runsDir, '--run-id', 'killed', '--quiet'];
  // Resumes name the run by its folder and, every other time, by its id under --runs-dir.
  const resumes = [
    ['search', '--resume', join(runsDir, 'killed'), '--quiet'],
    ['search', '--resume', 'killed', '--runs-dir', runsDir, '--quiet'],
  ];
  let kills = 0;
  for (;;) {
    const args = existsSync(journalPath) ? resumes[kills % 2]! : start;
    if (kills >= 10) {
      const last = await runCli(args);
      assert.equal(last.code, 0, last.stderr);
      break;
    }
    const attempt = await runUntilKilled(args, journalPath, rng);
    if (attempt.signal !== 'SIGKILL') assert.fail(`the search finished after only ${kills} kills; give it a larger budget`);
    kills++;
  }

  const runDir = join(runsDir, 'killed');
  const events = readFileSync(join(runDir, 'journal.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
  assert.ok(events.filter((e) => e.event === 'run-resumed').length >= 10);
  // Each trial finished exactly once: nothing completed was trained again or lost.
  const finished = events.filter((e) => e.event === 'finished').map((e) => e.trialId).sort((a, b) => a - b);
  assert.deepEqual(finished, Array.from({ length: BUDGET }, (_, i) => i));

  const killed = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8')) as Results & { seconds: number };
  // results.json counts every part of the run, not only the last one.
  const lastPart = events.filter((e) => e.event === 'run-resumed').at(-1)!;
  const lastPartSeconds = (Date.parse(events.at(-1)!.time) - Date.parse(lastPart.time)) / 1000;
  assert.ok(killed.seconds > lastPartSeconds + 1, `results.seconds ${killed.seconds} vs the last part's ${lastPartSeconds}`);

  // Resuming the finished run says so and neither trains nor rewrites anything.
  const journalBefore = readFileSync(join(runDir, 'journal.jsonl'), 'utf8');
  const resultsBefore = readFileSync(join(runDir, 'results.json'), 'utf8');
  const again = await runCli(resumes[0]!);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /run killed finished at \d{4}-\d\d-\d\dT[\d:.]+Z: nothing to resume, nothing trained/);
  assert.doesNotMatch(again.stdout, /training \d+ networks/);
  assert.equal(readFileSync(join(runDir, 'journal.jsonl'), 'utf8'), journalBefore);
  assert.equal(readFileSync(join(runDir, 'results.json'), 'utf8'), resultsBefore);

  const uninterrupted = JSON.parse(readFileSync(join(runsDir, 'reference', 'results.json'), 'utf8')) as Results;
  const summary = (r: Results) => r.methods.rs.pool.map((m) => [m.trialId, m.genotypeId, m.seed]);
  assert.equal(killed.methods.rs.pool.length, BUDGET);
  assert.deepEqual(summary(killed), summary(uninterrupted));
  // Same seeds, same engine: retrained members are the same networks.
  killed.methods.rs.pool.forEach((member, i) =>
    assert.ok(Math.abs(member.validation.nll - uninterrupted.methods.rs.pool[i]!.validation.nll) < 1e-5, `trial ${member.trialId}`),
  );

  // Every member's files are complete and readable.
  for (const member of readdirSync(join(runDir, 'members', 'rs'))) {
    const memberDir = join(runDir, 'members', 'rs', member);
    const model = JSON.parse(readFileSync(join(memberDir, 'model.json'), 'utf8'));
    const weightBytes = model.weightsManifest[0].weights.reduce(
      (sum: number, w: { shape: number[] }) => sum + 4 * w.shape.reduce((a, b) => a * b, 1),
      0,
    );
    assert.equal(statSync(join(memberDir, 'weights.bin')).size, weightBytes);
    assert.deepEqual(readNpy(join(memberDir, 'validation.npy')).shape.length, 2);
    assert.deepEqual(readNpy(join(memberDir, 'test.npy')).shape.length, 2);
  }
});

test('resuming something that is not a run, or with other settings, is refused in one line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nes-resume-bad-'));
  const missing = await runCli(['search', '--resume', join(dir, 'nope')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no such run folder/);
  const notRun = await runCli(['search', '--resume', dir]);
  assert.equal(notRun.code, 2);
  assert.match(notRun.stderr, /not a nes run folder \(no config\.json\)/);
  const extra = await runCli(['search', '--resume', dir, '--epochs', '3']);
  assert.equal(extra.code, 2);
  assert.match(extra.stderr, /--resume takes the config of the run; drop --epochs \(only --budget \(to grow it\), --max-hours, --workers, --backend, --redis-timeout and --quiet may change\)/);
});

test('a resume that finds a damaged member file fails in one line and leaves the journal as it was', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nes-resume-damaged-'));
  const configPath = join(dir, 'tiny.json');
  writeFileSync(configPath, JSON.stringify({ ...TINY_SEARCH, budget: 2, shift: { severities: [0] } }));
  const runsDir = join(dir, 'runs');
  const first = await runCli(['search', '--config', configPath, '--runs-dir', runsDir, '--run-id', 'damaged', '--quiet']);
  assert.equal(first.code, 0, first.stderr);
  // Make it an unfinished run (no results, no run-finished line) whose member 0 lost half its predictions.
  const runDir = join(runsDir, 'damaged');
  rmSync(join(runDir, 'results.json'));
  const journalPath = join(runDir, 'journal.jsonl');
  const lines = readFileSync(journalPath, 'utf8').trimEnd().split('\n');
  writeFileSync(journalPath, lines.filter((line) => !line.includes('"run-finished"')).join('\n') + '\n');
  const validation = join(runDir, 'members', 'rs', '0000', 'validation.npy');
  writeFileSync(validation, readFileSync(validation).subarray(0, 200));
  const journalBefore = readFileSync(journalPath, 'utf8');

  const resumed = await runCli(['search', '--resume', runDir, '--quiet']);
  assert.equal(resumed.code, 2, resumed.stderr);
  assert.match(resumed.stderr, /validation\.npy/);
  assert.equal(resumed.stderr.trim().split('\n').length, 1);
  assert.equal(readFileSync(journalPath, 'utf8'), journalBefore, 'no run-resumed line for a resume that did not happen');
});
