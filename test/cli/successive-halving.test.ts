/**
 * rs-sh and re-sh end to end on the real farm: legs of the fidelity ladder, promotions that continue
 * their network's checkpoint, an epoch budget kept, and a resume after SIGKILL at random moments
 * that ends with the pool of an uninterrupted run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '../../src/util/rng.js';
import { runCli, runUntilKilled } from '../helpers/cli.js';

const config = {
  seed: 5,
  methods: ['rs-sh', 're-sh'],
  budget: 5,
  ensembleSizes: [2],
  re: { population: 3, parents: 2 },
  macro: { cells: 2, channels: 4 },
  dataset: { trainLimit: 48 },
  training: { epochs: 3, batchSize: 24 },
  fidelity: { epochs: [1, 3] },
  shift: { severities: [0] },
  evaluation: { anytimeStep: 2 },
  // One worker: which legs are promoted depends on the order results arrive, and a resume replays
  // the journal's order only when one leg trains at a time.
  execution: { workers: 1 },
};

interface Leg {
  trialId: number;
  genotypeId: string;
  seed: number;
  fidelity: { network: number; rung: number; epochs: number };
  validation: { nll: number };
}
interface MethodResults {
  pool: Leg[];
  compute: { epochs: number; trainSeconds: number; predictSeconds: number };
  ensembles: { size: number; members: number[] }[];
  anytime: { networks: number; epochs: number }[];
}
type Results = { methods: Record<'rs-sh' | 're-sh', MethodResults> };

test('rs-sh and re-sh killed with SIGKILL at random moments resume to the legs of an uninterrupted run', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nes-sh-'));
  const configPath = join(dir, 'config.json');
  writeFileSync(configPath, JSON.stringify(config));
  const runsDir = join(dir, 'runs');

  const reference = await runCli(['search', '--config', configPath, '--runs-dir', runsDir, '--run-id', 'reference', '--quiet']);
  assert.equal(reference.code, 0, reference.stderr);
  assert.match(reference.stdout, /^cost estimate: \d+ trainings left \(legs of the fidelity ladder, \d+ epochs in all\) × [\d.]+ s per epoch \+ [\d.]+ s predicting per training/m);
  const uninterrupted = JSON.parse(readFileSync(join(runsDir, 'reference', 'results.json'), 'utf8')) as Results;

  for (const method of ['rs-sh', 're-sh'] as const) {
    const { pool, compute, ensembles, anytime } = uninterrupted.methods[method];
    // 5 networks' worth of epochs (5 × 3): never more.
    assert.ok(compute.epochs <= 15 && compute.epochs >= 13, `${method}: ${compute.epochs} epochs`);
    // A leg trains from its rung's predecessor's epochs (ladder 1 → 3) to its own.
    assert.equal(compute.epochs, pool.reduce((sum, leg) => sum + leg.fidelity.epochs - (leg.fidelity.rung === 0 ? 0 : config.fidelity.epochs[leg.fidelity.rung - 1]!), 0));
    const promoted = pool.filter((leg) => leg.fidelity.rung === 1);
    assert.ok(promoted.length >= 1, `${method}: some network was promoted`);
    for (const leg of promoted) {
      const from = pool.find((l) => l.fidelity.network === leg.fidelity.network && l.fidelity.rung === 0)!;
      // The promotion continues its network: same architecture and seed, one more rung.
      assert.deepEqual([leg.genotypeId, leg.seed, leg.fidelity.epochs], [from.genotypeId, from.seed, 3]);
      const legDir = (l: Leg) => join(runsDir, 'reference', 'members', method, String(l.trialId).padStart(4, '0'));
      assert.ok(existsSync(join(legDir(from), 'momentum.npy')), 'the leg it continues kept its momentum');
      assert.equal(existsSync(join(legDir(leg), 'momentum.npy')), false);
      assert.equal(JSON.parse(readFileSync(join(legDir(leg), 'member.json'), 'utf8')).epochs, 3);
      assert.equal(JSON.parse(readFileSync(join(legDir(leg), 'member.json'), 'utf8')).lossCurve.length, 2);
    }
    // An ensemble holds each network once, at the latest rung it reached.
    const latest = new Map(pool.map((leg) => [leg.fidelity.network, leg.trialId]));
    for (const { members } of ensembles) {
      for (const id of members) assert.equal(latest.get(pool.find((l) => l.trialId === id)!.fidelity.network), id, `${method}: member ${id}`);
    }
    assert.equal(anytime.at(-1)!.epochs, compute.epochs, 'the anytime curve ends at the compute spent');
  }

  // The leaderboard lists every leg with its rung and epochs; a promotion names the leg it continues.
  const board = await runCli(['leaderboard', join(runsDir, 'reference'), '--json', '--sort', 'trialId']);
  assert.equal(board.code, 0, board.stderr);
  const rows = JSON.parse(board.stdout) as { method: string; trialId: number; origin: string; parent: number | null; network: number; rung: number; epochs: number }[];
  for (const method of ['rs-sh', 're-sh'] as const) {
    const { pool } = uninterrupted.methods[method];
    const mine = rows.filter((row) => row.method === method);
    assert.deepEqual(mine.map((r) => [r.trialId, r.network, r.rung, r.epochs]), pool.map((l) => [l.trialId, l.fidelity.network, l.fidelity.rung, l.fidelity.epochs]));
    for (const row of mine.filter((r) => r.origin === 'promotion')) {
      const from = pool.find((l) => l.trialId === row.parent)!;
      assert.deepEqual([from.fidelity.network, from.fidelity.rung], [row.network, row.rung - 1], `${method} trial ${row.trialId} continues its network's previous rung`);
    }
    assert.equal(mine.filter((r) => r.origin === 'promotion').length, pool.filter((l) => l.fidelity.rung > 0).length);
  }
  const table = await runCli(['leaderboard', join(runsDir, 'reference'), '--method', 'rs-sh']);
  assert.match(table.stdout.split('\n')[0]!, /origin\s+seed\s+rung\s+epochs/);
  assert.match(table.stdout, /promotion of \d+/);
  // The report draws the anytime curve on the epochs trained.
  const report = await runCli(['report', join(runsDir, 'reference')]);
  assert.equal(report.code, 0, report.stderr);
  const html = readFileSync(join(runsDir, 'reference', 'report.html'), 'utf8');
  assert.match(html, /epochs trained \(compute\)/);
  // Each chosen member's card tells its network's legs, first rung first.
  for (const method of ['rs-sh', 're-sh'] as const) {
    const { pool, ensembles } = uninterrupted.methods[method];
    for (const id of ensembles.find((e) => e.size === 2)!.members) {
      const network = pool.find((l) => l.trialId === id)!.fidelity.network;
      const legs = pool.filter((l) => l.fidelity.network === network).map((l) => `trial ${l.trialId} \\(${l.fidelity.epochs} epochs?, validation NLL \\d\\.\\d{4}\\)`);
      assert.match(html, new RegExp(`network ${network} trained in legs: ${legs.join(' → ')}`), `${method} member ${id}`);
    }
  }

  const rng = createRng('sh-kill-moments');
  const journalPath = join(runsDir, 'killed', 'journal.jsonl');
  const start = ['search', '--config', configPath, '--runs-dir', runsDir, '--run-id', 'killed', '--quiet'];
  const resume = ['search', '--resume', join(runsDir, 'killed'), '--quiet'];
  let kills = 0;
  for (;;) {
    const args = existsSync(journalPath) ? resume : start;
    if (kills >= 6) {
      const last = await runCli(args);
      assert.equal(last.code, 0, last.stderr);
      break;
    }
    const attempt = await runUntilKilled(args, journalPath, rng);
    if (attempt.signal !== 'SIGKILL') assert.fail(`the search finished after only ${kills} kills; give it a larger budget`);
    kills++;
  }
  const killed = JSON.parse(readFileSync(join(runsDir, 'killed', 'results.json'), 'utf8')) as Results;
  const legs = (r: Results, method: 'rs-sh' | 're-sh') => r.methods[method].pool.map((l) => [l.trialId, l.genotypeId, l.seed, l.fidelity]);
  for (const method of ['rs-sh', 're-sh'] as const) {
    assert.deepEqual(legs(killed, method), legs(uninterrupted, method), method);
    killed.methods[method].pool.forEach((leg, i) =>
      assert.ok(Math.abs(leg.validation.nll - uninterrupted.methods[method].pool[i]!.validation.nll) < 1e-5, `${method} trial ${leg.trialId}`),
    );
    assert.equal(killed.methods[method].compute.epochs, uninterrupted.methods[method].compute.epochs);
  }
});

test('a fidelity ladder that does not end at the schedule or does not increase is refused naming the path', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nes-sh-bad-'));
  const write = (name: string, extra: object) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify({ ...config, ...extra }));
    return path;
  };
  const short = await runCli(['search', '--config', write('short.json', { fidelity: { epochs: [1, 2] } }), '--runs-dir', join(dir, 'runs')]);
  assert.equal(short.code, 2);
  assert.match(short.stderr, /\/fidelity\/epochs/);
  assert.match(short.stderr, /training\.epochs|\/training\/epochs/);
  const unordered = await runCli(['search', '--config', write('unordered.json', { fidelity: { epochs: [2, 1, 3] } }), '--runs-dir', join(dir, 'runs')]);
  assert.equal(unordered.code, 2);
  assert.match(unordered.stderr, /\/fidelity\/epochs/);
});
