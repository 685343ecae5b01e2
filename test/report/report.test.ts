import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reportCommand } from '../../src/cli/report-command.js';
import { writeReport } from '../../src/report/write-report.js';
import { openRun } from '../../src/run/run-folder.js';
import type { SearchResults } from '../../src/run/results-types.js';
import { buildFixtureRun, type FixtureRun } from '../export/fixtures.js';
import { CHROMIUM, inChromium, plotMarks } from '../helpers/chromium.js';

const PLOTS = ['anytime', 'severity', 'reliability-0', 'reliability-5', 'disagreement'];

let work: string;
let fixture: FixtureRun;
let reportFile: string;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'nes-report-'));
  fixture = await buildFixtureRun({ runsDir: join(work, 'runs'), id: 'report-run', shiftedSeverities: [1, 2, 3, 4, 5] });
  reportFile = await writeReport(fixture.runDir);
});
after(() => rmSync(work, { recursive: true, force: true }));

describe('writeReport', () => {
  test('one self-contained file: every plot as inline SVG with marks, no scripts, nothing fetched', () => {
    assert.equal(reportFile, join(fixture.runDir, 'report.html'));
    const html = readFileSync(reportFile, 'utf8');
    assert.doesNotMatch(html, /<script|<link|<img|<iframe|@import|url\(http/i);
    assert.doesNotMatch(html, /\b(src|href)="/i);
    for (const plot of PLOTS) {
      const start = html.indexOf(`<figure data-plot="${plot}">`);
      assert.ok(start >= 0, `figure ${plot} missing`);
      const figure = html.slice(start, html.indexOf('</figure>', start));
      assert.match(figure, /<svg[^>]*class="marks"/);
      assert.match(figure, /class="mark-(line|symbol|rect) role-mark/);
    }
    assert.doesNotMatch(html, /no cached member predictions|only \(no shifted/);
  });

  test('architectures: one card per distinct member of each method, both DARTS cells drawn', () => {
    const html = readFileSync(reportFile, 'utf8');
    const expected = Object.values(fixture.results.methods).reduce((total, method) => {
      const ensemble = method.ensembles.find((e) => e.size === 3 && e.severity === 0)!;
      return total + new Set(ensemble.members).size;
    }, 0);
    assert.equal(html.match(/<div class="member"/g)?.length, expected);
    assert.equal(html.match(/<svg class="cell-graph"/g)?.length, 2 * expected);
    const ids = [...html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
    assert.equal(new Set(ids).size, ids.length, 'SVG ids are unique within the page');
  });

  test('severity 0 only and no stored labels: shows what exists and says why the rest is missing', async () => {
    const runDir = join(work, 'runs', 'clean-only');
    cpSync(fixture.runDir, runDir, { recursive: true });
    rmSync(openRun(runDir).labelsPath('test'));
    const results = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8')) as SearchResults;
    for (const method of Object.values(results.methods)) method.ensembles = method.ensembles.filter((e) => e.severity === 0);
    results.table = results.table.filter((row) => row.severity === 0);
    results.run = 'clean-only';
    writeFileSync(join(runDir, 'results.json'), JSON.stringify(results));
    const html = readFileSync(await writeReport(runDir, { size: 2 }), 'utf8');
    assert.match(html, /holds results at severity 0 only/);
    assert.match(html, /<figure data-plot="severity">/);
    // The fixture's 8×8 test set is not the dataset its config names, so labels cannot be reloaded.
    assert.match(html, /no test labels/);
    assert.match(html, /plots at M = 2/);
    await assert.rejects(writeReport(runDir, { size: 9 }), /no ensembles of size 9; sizes: 2, 3/);
  });

  test('nes report --run ID writes the page into the run folder and prints its path', async (t) => {
    const lines: string[] = [];
    t.mock.method(console, 'log', (...parts: unknown[]) => lines.push(parts.join(' ')));
    assert.equal(await reportCommand(['--run', 'report-run', '--runs-dir', join(work, 'runs'), '--size', '2']), 0);
    assert.deepEqual(lines, [`report: ${reportFile}`]);
    assert.match(readFileSync(reportFile, 'utf8'), /plots at M = 2/);
    await assert.rejects(reportCommand(['--runs-dir', join(work, 'runs')]), /a run is required: give RUN \(its id or folder\) or --run RUN/);
    // Leave the default page (M = 3) for the browser test.
    await writeReport(fixture.runDir);
  });

  test('renders in headless Chromium without console errors; screenshot in test-artifacts/report.png', async (t) => {
    const problems = await inChromium(reportFile, 'report', async (page) => {
      for (const plot of PLOTS) {
        const { marks, width, height } = await plotMarks(page, plot);
        assert.ok(marks > 0, `${plot}: no marks rendered`);
        assert.ok(width > 100 && height > 100, `${plot}: rendered as ${width}×${height}`);
      }
      const cells = page.locator('svg.cell-graph');
      const cellCount = await cells.count();
      assert.ok(cellCount > 0);
      for (let i = 0; i < cellCount; i++) {
        assert.equal(await cells.nth(i).locator('g.node').count(), 7);
        assert.ok(((await cells.nth(i).boundingBox())?.width ?? 0) > 100);
      }
    });
    if (problems === undefined) t.skip(`${CHROMIUM} not installed (apt-get install -y chromium)`);
    else assert.deepEqual(problems, []);
  });
});
