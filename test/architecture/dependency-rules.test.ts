/**
 * The stage-boundary rules (.dependency-cruiser.cjs, run by `npm run lint:deps` before the tests)
 * catch what they are meant to: each forbidden import is planted in a throwaway src/ tree and the
 * checker, run with the project's own config, must fail naming that rule, while the allowed
 * imports next to them pass.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKAGE_ROOT } from '../../src/version.js';

const CONFIG = join(PACKAGE_ROOT, '.dependency-cruiser.cjs');
const CRUISER = join(dirname(fileURLToPath(import.meta.resolve('dependency-cruiser'))), '..', '..', 'bin', 'dependency-cruise.mjs');

/** Files of the planted tree, relative to its root. */
const PLANTED: Record<string, string> = {
  // A tfjs stand-in under node_modules, so that one import resolves as the real one does.
  'node_modules/@tensorflow/tfjs/package.json': JSON.stringify({ name: '@tensorflow/tfjs', main: 'index.js' }),
  'node_modules/@tensorflow/tfjs/index.js': 'export const tensor = 1;\n',
  'src/util/rng.ts': 'export const rng = 1;\n',
  'src/data/types.ts': 'export interface Images { count: number }\n',
  'src/cli/progress.ts': 'export interface Progress { log(line: string): void }\n',
  'src/farm/types.ts': "import type { Images } from '../data/types.js';\nexport type Task = Images;\n",
  // Allowed: tfjs in train/, search/ → farm/, space/ → util/.
  'src/train/model.ts': "import * as tf from '@tensorflow/tfjs';\nexport const model = tf;\n",
  'src/search/loop.ts': "import type { Task } from '../farm/types.js';\nexport type Loop = Task;\n",
  'src/space/sample.ts': "import { rng } from '../util/rng.js';\nexport const sample = rng;\n",
  // Forbidden, one per rule.
  'src/optimizers/tfjs.ts': "import * as tf from '@tensorflow/tfjs';\nexport const x = tf;\n",
  'src/export/webgpu.ts': "import { create } from 'webgpu';\nexport const gpu = create;\n",
  'src/search/progress.ts': "import type { Progress } from '../cli/progress.js';\nexport type P = Progress;\n",
  'src/evaluate/files.ts': "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n",
  'src/optimizers/files.ts': "import { writeFileSync } from 'node:fs';\nexport const write = writeFileSync;\n",
  'src/space/data.ts': "import type { Images } from '../data/types.js';\nexport type D = Images;\n",
  'src/util/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
  'src/util/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
};

const EXPECTED: [rule: string, from: string][] = [
  ['tfjs-only-in-train', 'src/optimizers/tfjs.ts'],
  ['tfjs-only-in-train', 'src/export/webgpu.ts'],
  ['no-imports-from-cli', 'src/search/progress.ts'],
  ['layer-search', 'src/search/progress.ts'],
  ['pure-ensemble-and-evaluate', 'src/evaluate/files.ts'],
  ['no-io-in-optimizers', 'src/optimizers/files.ts'],
  ['layer-space', 'src/space/data.ts'],
  ['no-circular', 'src/util/a.ts'],
];

test('the dependency rules fail on each planted violation and pass the allowed imports', () => {
  const root = mkdtempSync(join(tmpdir(), 'nes-deps-'));
  try {
    for (const [path, content] of Object.entries(PLANTED)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), content);
    }
    writeFileSync(
      join(root, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true }, include: ['src/**/*.ts'] }),
    );
    // As `npm run lint:deps` runs it: the exit status is the number of errors.
    const run = spawnSync(process.execPath, [CRUISER, 'src', '--config', CONFIG], { cwd: root, encoding: 'utf8' });
    assert.equal(run.status, EXPECTED.length, `exit status ${run.status}\n${run.stdout}${run.stderr}`);
    // One line per violation: "  error <rule>: <from> → <to>" (a cycle continues on the next lines).
    const violations = [...run.stdout.matchAll(/^\s*error (\S+): (\S+) → (\S*)/gm)].map(([, rule, from, to]) => ({ rule, from, to: to! }));
    const found = violations.map((v) => `${v.rule} ${v.from}`).sort();
    assert.deepEqual(found, EXPECTED.map(([rule, from]) => `${rule} ${from}`).sort(), run.stdout);
    assert.ok(
      violations.some((v) => v.from === 'src/optimizers/tfjs.ts' && v.to.startsWith('node_modules/@tensorflow/')),
      'tfjs is recognised once resolved into node_modules',
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
