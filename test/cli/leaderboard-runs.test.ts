/**
 * nes leaderboard, nes runs and the report's training section on a real tiny run, and on a run
 * killed mid-way (SIGKILL): `nes runs` says running while it goes on and interrupted after the
 * kill, a second resume of the live run is refused, and the partial report and leaderboard show
 * what was trained so far.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LEADERBOARD_COLUMNS, type LeaderboardRow } from '../../src/report/leaderboard.js';
import type { RunStatus } from '../../src/run/run-status.js';
import type { SearchResults } from '../../src/search/results.js';
import { CHROMIUM, inChromium, plotMarks } from '../helpers/chromium.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { TINY_SEARCH } from '../helpers/tiny-search.js';

let work: string;
let runsDir: string;

before(() => {
  work = mkdtempSync(join(tmpdir(), 'nes-leaderboard-'));
  runsDir = join(work, 'runs');
});
after(() => rmSync(work, { recursive: true, force: true }));

const journalOf = (runDir: string) =>
  readFileSync(join(runDir, 'journal.jsonl'), 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line));

function writeConfig(name: string, config: object): string {
  const path = join(work, `${name}.json`);
  writeFileSync(path, JSON.stringify(config));
  return path;
}

describe('a finished run', () => {
  let runDir: string;
  let results: SearchResults;

  before(async () => {
    // NES-RS and NES-RE (two random, then a mutated child), two epochs so loss curves are lines.
    const config = writeConfig('finished', { ...TINY_SEARCH, methods: ['rs', 're'], training: { epochs: 2, batchSize: 32 }, re: { population: 2, parents: 2 } });
    const search = await runCli(['search', '--config', config, '--runs-dir', runsDir, '--run-id', 'done', '--quiet']);
    assert.equal(search.code, 0, search.stderr);
    runDir = join(runsDir, 'done');
    results = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8'));
  });

  test('the search left no lock behind', () => {
    assert.equal(existsSync(join(runDir, 'run.lock')), false);
  });

  test('nes leaderboard --json: every member with its origin, seed, times, metrics and ensembles, best validation NLL first', async () => {
    const result = await runCli(['leaderboard', 'done', '--runs-dir', runsDir, '--json']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '');
    const rows = JSON.parse(result.stdout) as LeaderboardRow[];
    assert.equal(rows.length, 6);
    const nlls = rows.map((r) => r.validationNll!);
    assert.deepEqual(nlls, [...nlls].sort((a, b) => a - b));
    const proposals = new Map(journalOf(runDir).filter((e) => e.event === 'proposed').map((e) => [`${e.method}/${e.trial.id}`, e.trial]));
    for (const row of rows) {
      assert.deepEqual(Object.keys(row), [...LEADERBOARD_COLUMNS]);
      const member = results.methods[row.method]!.pool.find((m) => m.trialId === row.trialId)!;
      const trial = proposals.get(`${row.method}/${row.trialId}`);
      assert.equal(row.status, 'finished');
      assert.equal(row.genotypeId, member.genotypeId);
      assert.equal(row.seed, member.seed);
      assert.equal(row.seed, trial.seed);
      assert.equal(row.origin, trial.origin.source);
      assert.equal(row.parent, trial.origin.source === 'mutation' ? trial.origin.parent : null);
      assert.equal(row.mutation, trial.origin.source === 'mutation' ? trial.origin.mutation.kind : null);
      assert.deepEqual([row.trainSeconds, row.predictSeconds], [member.seconds, member.predictSeconds]);
      assert.deepEqual([row.validationNll, row.validationError, row.validationEce], [member.validation.nll, member.validation.error, member.validation.ece]);
      assert.deepEqual([row.testNll, row.testError, row.testEce], [member.test.nll, member.test.error, member.test.ece]);
      const sizes = results.methods[row.method]!.ensembles.filter((e) => e.severity === 0 && e.members.includes(row.trialId)).map((e) => e.size);
      assert.deepEqual(row.ensembles, sizes);
      assert.equal(row.reason, null);
    }
    const child = rows.find((r) => r.method === 're' && r.trialId === 2)!;
    assert.equal(child.origin, 'mutation');
    assert.ok([0, 1].includes(child.parent!));
    // Every ensemble's members are marked.
    assert.equal(rows.filter((r) => r.ensembles.includes(2)).length, 4);
  });

  test('nes leaderboard RUN: the readable table, by the run folder too, and --sort / --desc / --csv', async () => {
    const table = await runCli(['leaderboard', runDir]);
    assert.equal(table.code, 0, table.stderr);
    const lines = table.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^method\s+trial\s+genotype\s+origin\s+seed\s+train s\s+pred s\s+val NLL\s+test NLL\s+error %\s+ECE\s+in ensembles$/);
    assert.equal(lines.length, 2 + 6);
    assert.match(table.stdout, /\nre\s+2\s+darts-[0-9a-f]{16}\s+mutation of [01] \((identity|op|input), (normal|reduce)\)\s+\d+/);
    assert.match(table.stdout, /\s\d\.\d{4}\s+\d+\.\d{2}\s+0\.\d{4}\s+M=2\n/);

    const csv = await runCli(['leaderboard', 'done', '--runs-dir', runsDir, '--csv', '--sort', 'testNll', '--desc']);
    assert.equal(csv.code, 0, csv.stderr);
    const [header, ...body] = csv.stdout.trimEnd().split('\n');
    assert.deepEqual(header!.split(','), [...LEADERBOARD_COLUMNS]);
    assert.equal(body.length, 6);
    const column = (name: string) => body.map((line) => line.split(',')[LEADERBOARD_COLUMNS.indexOf(name as never)]!);
    const testNlls = column('testNll').map(Number);
    assert.deepEqual(testNlls, [...testNlls].sort((a, b) => b - a));
    // Empty cells where a value does not apply (pandas: NaN); sizes joined with ';'.
    assert.ok(column('parent').filter((p) => p === '').length === 5);
    assert.ok(column('ensembles').every((cell) => cell === '' || cell === '2'));

    const only = await runCli(['leaderboard', 'done', '--runs-dir', runsDir, '--json', '--method', 're', '--sort', 'trialId']);
    assert.deepEqual((JSON.parse(only.stdout) as LeaderboardRow[]).map((r) => [r.method, r.trialId]), [['re', 0], ['re', 1], ['re', 2]]);

    const badSort = await runCli(['leaderboard', 'done', '--runs-dir', runsDir, '--sort', 'accuracy']);
    assert.equal(badSort.code, 2);
    assert.match(badSort.stderr, /--sort "accuracy" is not a column; use one of method, trialId/);
    const badMethod = await runCli(['leaderboard', 'done', '--runs-dir', runsDir, '--method', 'deepens']);
    assert.equal(badMethod.code, 2);
    assert.match(badMethod.stderr, /run done has no method "deepens"; it has: rs, re/);
    const both = await runCli(['leaderboard', 'done', '--run', 'done', '--runs-dir', runsDir]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /give the run once, as RUN or as --run RUN/);
    const help = await runCli(['leaderboard', '--help']);
    assert.match(help.stdout, /^Usage: nes leaderboard RUN/);
  });

  test('nes runs: finished, networks done / planned, the best ensemble from results.json, start and duration', async () => {
    const result = await runCli(['runs', runsDir, '--json']);
    assert.equal(result.code, 0, result.stderr);
    const [run] = (JSON.parse(result.stdout) as RunStatus[]).filter((r) => r.id === 'done');
    const best = Object.values(results.methods)
      .flatMap((m) => m.ensembles.filter((e) => e.severity === 0))
      .reduce((a, b) => (b.validation.nll < a.validation.nll ? b : a));
    assert.equal(run!.state, 'finished');
    assert.deepEqual([run!.trained, run!.planned, run!.failed], [6, 6, 0]);
    assert.deepEqual(run!.best, { method: best.method, size: 2, validationNll: best.validation.nll, testNll: best.test.nll });
    assert.equal(run!.seconds, results.seconds);
    assert.equal(run!.startedAt, journalOf(runDir)[0].time);
    const table = await runCli(['runs', runsDir]);
    assert.match(table.stdout, /^id\s+status\s+methods\s+networks\s+best NLL\s+started \(UTC\)\s+duration\n/);
    assert.match(table.stdout, new RegExp(`\\ndone\\s+finished\\s+rs,re\\s+6/6\\s+${best.test.nll.toFixed(4)} \\(${best.method}, M=2\\)\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\s+\\d+ s`));
    const missing = await runCli(['runs', join(work, 'nowhere')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nowhere: no such folder; name the folder that holds the runs/);
  });

  test('report.html: a loss curve per member and seconds per member, drawn in headless Chromium (test-artifacts/report-training.png)', async (t) => {
    const html = readFileSync(join(runDir, 'report.html'), 'utf8');
    assert.doesNotMatch(html, /Partial report/);
    for (const plot of ['loss-curves', 'member-time']) assert.match(html, new RegExp(`<figure data-plot="${plot}"><svg`));
    assert.match(html, /6 networks, [\d.]+ min of worker time in all/);
    const problems = await inChromium(join(runDir, 'report.html'), 'report-training', async (page) => {
      // One line per member: six paths in the loss plot.
      const loss = await plotMarks(page, 'loss-curves');
      assert.equal(loss.marks, 6);
      assert.ok(loss.width > 300 && loss.height > 200, `loss plot ${loss.width}×${loss.height}`);
      // Two rectangles (training, predicting) per member.
      const rects = await page.locator('figure[data-plot="member-time"] svg g[class*="role-mark"] > path').count();
      assert.equal(rects, 12);
      await page.locator('#training').scrollIntoViewIfNeeded();
    });
    if (problems === undefined) t.skip(`${CHROMIUM} not installed (apt-get install -y chromium)`);
    else assert.deepEqual(problems, []);
  });
});

describe('a run killed mid-way', () => {
  const id = 'killed';
  let runDir: string;
  let config: string;
  let whileRunning: { runs: CliResult; resume: CliResult; pid: number };

  before(async () => {
    config = writeConfig('killed', { ...TINY_SEARCH, budget: 8, ensembleSizes: [2, 3] });
    runDir = join(runsDir, id);
    const journal = join(runDir, 'journal.jsonl');
    let checks: Promise<typeof whileRunning> | undefined;
    const search = await runCli(['search', '--config', config, '--runs-dir', runsDir, '--run-id', id, '--quiet'], {
      onSpawn(child: ChildProcess) {
        const timer = setInterval(() => {
          const finished = existsSync(journal) ? readFileSync(journal, 'utf8').split('"event":"finished"').length - 1 : 0;
          if (finished < 3 || checks) return;
          clearInterval(timer);
          // Frozen (SIGSTOP), the search cannot finish while it is looked at; its lock stays fresh enough.
          child.kill('SIGSTOP');
          checks = (async () => {
            const runs = await runCli(['runs', runsDir, '--json']);
            const resume = await runCli(['search', '--resume', runDir, '--quiet']);
            child.kill('SIGKILL');
            return { runs, resume, pid: child.pid! };
          })();
        }, 50);
        child.on('exit', () => clearInterval(timer));
      },
    });
    assert.equal(search.signal, 'SIGKILL', `the search ended by itself: ${search.stderr}`);
    whileRunning = await checks!;
  });

  test('while it ran: nes runs says running (its lock names the process), and a second resume is refused in one line', () => {
    const run = (JSON.parse(whileRunning.runs.stdout) as RunStatus[]).find((r) => r.id === id)!;
    assert.equal(run.state, 'running');
    assert.equal(run.lock!.owner!.pid, whileRunning.pid);
    assert.equal(run.planned, 8);
    assert.ok(run.trained >= 3);
    assert.equal(whileRunning.resume.code, 2, whileRunning.resume.stderr);
    assert.equal(whileRunning.resume.stderr.trim().split('\n').length, 1);
    assert.match(whileRunning.resume.stderr, new RegExp(`is being searched right now by pid ${whileRunning.pid} on .*; wait for it to finish or stop that process first`));
    assert.equal(whileRunning.resume.stdout, '', 'refused before loading anything');
  });

  test('after the kill: nes runs says interrupted, with the trainings the journal holds', async () => {
    const finished = journalOf(runDir).filter((e) => e.event === 'finished').length;
    const result = await runCli(['runs', runsDir]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`\\n${id}\\s+interrupted\\s+rs\\s+${finished}/8\\s+–\\s+\\d{4}-`));
    const json = (JSON.parse((await runCli(['runs', runsDir, '--json'])).stdout) as RunStatus[]).find((r) => r.id === id)!;
    assert.equal(json.state, 'interrupted');
    assert.match(json.detail, new RegExp(`^stale lock: pid ${whileRunning.pid} on .*: that process no longer exists$`));
  });

  test('nes report on it: a partial report of the networks trained so far, marked on the page and in the terminal', async () => {
    const finished = journalOf(runDir).filter((e) => e.event === 'finished');
    const result = await runCli(['report', id, '--runs-dir', runsDir]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `partial report: run ${id} is interrupted; ${finished.length} of 8 networks trained so far\nreport: ${join(runDir, 'report.html')}\n`);
    const html = readFileSync(join(runDir, 'report.html'), 'utf8');
    assert.match(html, /<title>nes report: killed \(partial\)<\/title>/);
    assert.match(html, new RegExp(`data-partial="interrupted"><b>Partial report</b> of ${finished.length} of 8 networks \\(rs ${finished.length}/8\\)`));
    assert.match(html, new RegExp(`<tr><td>rs</td><td>${finished.length}</td><td>0</td>`));
    for (const plot of ['anytime', 'severity', 'reliability-0', 'disagreement', 'loss-curves', 'member-time']) assert.match(html, new RegExp(`<figure data-plot="${plot}">`), plot);
    assert.match(html, new RegExp(`${finished.length} networks, [\\d.]+ min of worker time`));
    const problems = await inChromium(join(runDir, 'report.html'), 'report-partial', async (page) => {
      assert.equal(await page.locator('p.partial').count(), 1);
      // One epoch: each member's loss is one point (a line of one point draws nothing).
      assert.equal(await page.locator('figure[data-plot="loss-curves"] svg g.mark-symbol.role-mark > path').count(), finished.length);
    });
    if (problems !== undefined) assert.deepEqual(problems, []);
  });

  test('nes leaderboard on it ranks the trained members (validation NLL as journaled) and, with --all, the unfinished ones', async () => {
    const finished = journalOf(runDir).filter((e) => e.event === 'finished');
    const proposed = journalOf(runDir).filter((e) => e.event === 'proposed');
    const result = await runCli(['leaderboard', id, '--runs-dir', runsDir, '--json', '--all']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, `partial: run ${id} is interrupted; ${finished.length} of 8 networks trained so far\n`);
    const rows = JSON.parse(result.stdout) as LeaderboardRow[];
    assert.equal(rows.length, proposed.length);
    const trained = rows.filter((r) => r.status === 'finished');
    assert.equal(trained.length, finished.length);
    for (const row of trained) {
      const event = finished.find((e) => e.trialId === row.trialId);
      assert.ok(Math.abs(row.validationNll! - event.validationNll) < 1e-9, `trial ${row.trialId}`);
      assert.equal(row.trainSeconds, event.seconds);
    }
    // Unfinished trials (in flight at the kill) come last, without metrics.
    assert.deepEqual(rows.slice(trained.length).map((r) => [r.status, r.validationNll]), rows.slice(trained.length).map(() => ['unfinished', null]));
    assert.ok(rows.filter((r) => r.ensembles.includes(3)).length === 3);
  });

  test('the interrupted run resumes (taking over the stale lock) and is then listed as finished', async () => {
    const resumed = await runCli(['search', '--resume', runDir, '--quiet']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(existsSync(join(runDir, 'run.lock')), false);
    const run = (JSON.parse((await runCli(['runs', runsDir, '--json'])).stdout) as RunStatus[]).find((r) => r.id === id)!;
    assert.deepEqual([run.state, run.trained, run.planned], ['finished', 8, 8]);
    assert.doesNotMatch(readFileSync(join(runDir, 'report.html'), 'utf8'), /Partial report/);
  });
});
