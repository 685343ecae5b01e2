import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Rng } from '../../src/util/rng.js';

/** The CLI entry next to the code under test: dist/src/cli/main.js when compiled, src/cli/main.ts under tsx. */
const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
export const CLI_PATH = fileURLToPath(new URL(`../../src/cli/main${extension}`, import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Called with the child right after it started, e.g. to kill it at some moment. */
  onSpawn?: (child: ChildProcess) => void;
}

/** Runs `nes <args>` in a child process (with the same loader flags, e.g. tsx, as this process). */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv.filter((a) => !a.startsWith('--test')), CLI_PATH, ...args], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 300_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    options.onSpawn?.(child);
  });
}

/**
 * Starts the CLI and kills it with SIGKILL at a random point of the search: once the journal has
 * grown by 1–6 events since the start, plus 0–300 ms.
 */
export function runUntilKilled(args: string[], journalPath: string, rng: Rng): Promise<CliResult> {
  const eventsBefore = countLines(journalPath);
  const target = eventsBefore + 1 + rng.int(6);
  const extraDelay = rng.next() * 300;
  return runCli(args, {
    onSpawn: (child) => {
      const poll = setInterval(() => {
        if (countLines(journalPath) < target) return;
        clearInterval(poll);
        setTimeout(() => child.kill('SIGKILL'), extraDelay);
      }, 20);
      child.on('exit', () => clearInterval(poll));
    },
  });
}

function countLines(path: string): number {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').length - 1 : 0;
}
