/**
 * Client of bench/compare/pytorch_darts.py in --serve mode, for the training bench's
 * `--compare pytorch`: one long-lived Python process (built and warmed up once), asked for k timed
 * steps at a time so its rounds can interleave with nes's. PyTorch is a comparison tool only:
 * python comes from $NES_PYTHON (default Debian's /usr/bin/python3, which has torch).
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface PytorchRound {
  bench: 'training-pytorch';
  net: string;
  batch: number;
  steps: number;
  seconds: number;
  imagesPerSec: number;
  maxRssMb: number;
  torch: string;
  threads: number;
  channelsLast: boolean;
}

export interface PytorchServer {
  parameters: number;
  torch: string;
  /** Runs `steps` timed steps in the Python process; resolves with its JSON line. */
  run(steps: number): Promise<PytorchRound>;
  close(): Promise<void>;
}

/** Python or torch is unusable: the bench prints the message and exits non-zero. */
export class PytorchUnavailableError extends Error {}

export function pythonCommand(): string {
  return process.env.NES_PYTHON ?? '/usr/bin/python3';
}

/** The script next to this file's source (bench/) or, compiled, two folders up (dist/bench/). */
function scriptPath(): string {
  const candidates = ['./compare/pytorch_darts.py', '../../bench/compare/pytorch_darts.py'].map((relative) =>
    fileURLToPath(new URL(relative, import.meta.url)),
  );
  const found = candidates.find((path) => existsSync(path));
  if (!found) throw new PytorchUnavailableError(`bench/compare/pytorch_darts.py not found (looked at ${candidates.join(', ')})`);
  return found;
}

/** Fails fast with one clear line rather than a Python traceback mid-bench. */
function checkTorch(python: string): void {
  const probe = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  if (probe.error) throw new PytorchUnavailableError(`--compare pytorch: cannot run ${python} (${probe.error.message}); set NES_PYTHON to a python with torch`);
  if (probe.status !== 0) {
    const reason = probe.stderr.trim().split('\n').pop() ?? `exit ${probe.status}`;
    throw new PytorchUnavailableError(`--compare pytorch: ${python} cannot import torch (${reason}); set NES_PYTHON to a python with torch`);
  }
}

export async function startPytorch(options: { batch: number; threads?: number; warmup?: number; channelsLast?: boolean }): Promise<PytorchServer> {
  const python = pythonCommand();
  checkTorch(python);
  const args = [scriptPath(), '--serve', '--batch', String(options.batch), '--threads', String(options.threads ?? 1), '--warmup', String(options.warmup ?? 2)];
  if (options.channelsLast) args.push('--channels-last');
  const child = spawn(python, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines = lineReader(child);
  const ready = (await lines.next()) as { ready?: boolean; parameters: number; torch: string };
  if (!ready.ready) throw new Error(`pytorch_darts.py: unexpected first line ${JSON.stringify(ready)}`);
  return {
    parameters: ready.parameters,
    torch: ready.torch,
    async run(steps) {
      child.stdin.write(`STEPS ${steps}\n`);
      const reply = (await lines.next()) as PytorchRound & { error?: string };
      if (reply.error) throw new Error(`pytorch_darts.py: ${reply.error}`);
      return reply;
    },
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.stdin.end(); // EOF: the server exits
      await exited;
    },
  };
}

/** JSON lines from the child's stdout, one per next(); rejects with its stderr if it dies first. */
function lineReader(child: ChildProcessWithoutNullStreams): { next(): Promise<unknown> } {
  const queued: string[] = [];
  const waiting: { resolve(value: unknown): void; reject(error: Error): void }[] = [];
  let stderr = '';
  let exited: Error | null = null;
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    const waiter = waiting.shift();
    if (waiter) waiter.resolve(JSON.parse(line));
    else queued.push(line);
  });
  const fail = (error: Error): void => {
    exited = error;
    for (const waiter of waiting.splice(0)) waiter.reject(error);
  };
  child.on('error', fail);
  // 'close', not 'exit': by then every stdout line has been delivered.
  child.on('close', (code, signal) => fail(new Error(`pytorch_darts.py exited (${signal ?? code}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`)));
  return {
    next() {
      const line = queued.shift();
      if (line !== undefined) return Promise.resolve(JSON.parse(line));
      if (exited) return Promise.reject(exited);
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
  };
}
