import cliProgress from 'cli-progress';
import type { TrainProgress } from '../farm/types.js';

/** What the search reports while it runs; the CLI draws it, tests can record it. */
export interface SearchProgress {
  methodStarted(method: string, total: number): void;
  epoch(progress: TrainProgress): void;
  trialDone(method: string, trialId: number, summary: string): void;
  log(line: string): void;
  stop(): void;
}

/**
 * A cli-progress multibar on a TTY: networks trained out of K with ETA, and one line per running
 * training (trial, epoch, loss). Plain log lines otherwise (CI, pipes, files).
 */
export function createProgress(options: { quiet?: boolean } = {}): SearchProgress {
  if (options.quiet || !process.stdout.isTTY) return plainProgress(options.quiet ?? false);
  const multibar = new cliProgress.MultiBar(
    { clearOnComplete: false, hideCursor: true, format: '{label} |{bar}| {value}/{total} {detail}', etaBuffer: 20 },
    cliProgress.Presets.shades_classic,
  );
  let overall: cliProgress.SingleBar | undefined;
  const running = new Map<string, cliProgress.SingleBar>();
  return {
    methodStarted(method, total) {
      overall?.stop();
      overall = multibar.create(total, 0, { label: `${method} networks`.padEnd(16) }, {
        format: '{label} |{bar}| {value}/{total} trained, ETA {eta_formatted}',
      });
    },
    epoch({ method, trialId, epoch, epochs, loss }) {
      const key = `${method}/${trialId}`;
      let bar = running.get(key);
      if (!bar) {
        bar = multibar.create(epochs, 0, { label: `  trial ${trialId}`.padEnd(16), detail: '' });
        running.set(key, bar);
      }
      bar.update(epoch, { detail: `epochs, loss ${loss.toFixed(4)}` });
    },
    trialDone(method, trialId, summary) {
      const key = `${method}/${trialId}`;
      const bar = running.get(key);
      if (bar) multibar.remove(bar);
      running.delete(key);
      overall?.increment();
      multibar.log(`${summary}\n`);
    },
    log(line) {
      multibar.log(`${line}\n`);
    },
    stop() {
      multibar.stop();
    },
  };
}

function plainProgress(quiet: boolean): SearchProgress {
  let done = 0;
  let total = 0;
  let started = Date.now();
  return {
    methodStarted(method, count) {
      done = 0;
      total = count;
      started = Date.now();
      console.log(`${method}: training ${count} networks`);
    },
    epoch({ method, trialId, epoch, epochs, loss }) {
      if (!quiet) console.log(`${method} trial ${trialId}: epoch ${epoch}/${epochs} loss ${loss.toFixed(4)}`);
    },
    trialDone(method, _trialId, summary) {
      done++;
      const elapsed = (Date.now() - started) / 1000;
      const eta = done < total ? `, ETA ${((elapsed / done) * (total - done)).toFixed(0)} s` : '';
      console.log(`[${done}/${total}, ${elapsed.toFixed(0)} s${eta}] ${summary}`);
    },
    log(line) {
      console.log(line);
    },
    stop() {},
  };
}
