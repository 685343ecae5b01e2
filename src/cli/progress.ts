import cliProgress from 'cli-progress';
import type { TrainProgress } from '../farm/types.js';
import type { SearchProgress } from '../search/progress.js';
import { describeCostEstimate } from '../search/cost-estimate.js';

/**
 * Share of a network's time spent training rather than predicting its evaluation sets, for the
 * ETA's estimate of a running network's progress (a guess; it only shapes the ETA).
 */
const TRAINING_SHARE = 0.7;

/**
 * Networks done so far, counting running ones by how far they got (epochs, then evaluation sets),
 * so that an ETA exists from the first epoch on rather than after the first network.
 */
export class WorkEstimate {
  private started = Date.now();
  private done = 0;
  private readonly running = new Map<string, number>();

  constructor(private total = 0) {}

  restart(total: number, now = Date.now()): void {
    this.started = now;
    this.total = total;
    this.done = 0;
    this.running.clear();
  }

  update(progress: TrainProgress): void {
    const fraction =
      progress.stage === 'training'
        ? (TRAINING_SHARE * progress.epoch) / progress.epochs
        : TRAINING_SHARE + ((1 - TRAINING_SHARE) * progress.predicted) / Math.max(1, progress.sets);
    this.running.set(`${progress.method}/${progress.trialId}`, fraction);
  }

  finish(method: string, trialId: number): void {
    this.running.delete(`${method}/${trialId}`);
    this.done++;
  }

  get finished(): number {
    return this.done;
  }

  get networks(): number {
    return this.total;
  }

  elapsedSeconds(now = Date.now()): number {
    return (now - this.started) / 1000;
  }

  /** Seconds left, or undefined before any progress. */
  etaSeconds(now = Date.now()): number | undefined {
    let progress = this.done;
    for (const fraction of this.running.values()) progress += fraction;
    if (progress <= 0) return undefined;
    return Math.max(0, (((now - this.started) / 1000) * (this.total - progress)) / progress);
  }
}

export function formatEta(seconds: number | undefined): string {
  if (seconds === undefined) return 'ETA –';
  if (seconds < 90) return `ETA ${seconds.toFixed(0)} s`;
  if (seconds < 5400) return `ETA ${(seconds / 60).toFixed(0)} min`;
  return `ETA ${(seconds / 3600).toFixed(1)} h`;
}

const trialKey = (method: string, trialId: number) => `${method}/${trialId}`;

/**
 * A cli-progress multibar on a TTY: networks trained out of K with ETA, and one line per running
 * network (its epochs and loss, then the evaluation sets it predicts). Plain log lines otherwise
 * (CI, pipes, files).
 */
export function createProgress(options: { quiet?: boolean } = {}): SearchProgress {
  if (options.quiet || !process.stdout.isTTY) return plainProgress(options.quiet ?? false);
  const multibar = new cliProgress.MultiBar(
    { clearOnComplete: false, hideCursor: true, format: '{label} |{bar}| {value}/{total} {detail}' },
    cliProgress.Presets.shades_classic,
  );
  const estimate = new WorkEstimate();
  let overall: cliProgress.SingleBar | undefined;
  const running = new Map<string, cliProgress.SingleBar>();
  const refreshOverall = () => overall?.update(estimate.finished, { eta: formatEta(estimate.etaSeconds()) });
  return {
    methodStarted(method, total) {
      overall?.stop();
      estimate.restart(total);
      overall = multibar.create(total, 0, { label: `${method} networks`.padEnd(16), eta: formatEta(undefined) }, {
        format: '{label} |{bar}| {value}/{total} trained, {eta}',
      });
    },
    epoch(progress) {
      estimate.update(progress);
      const key = trialKey(progress.method, progress.trialId);
      let bar = running.get(key);
      if (!bar) {
        bar = multibar.create(1, 0, { label: `  trial ${progress.trialId}`.padEnd(16), detail: '' });
        running.set(key, bar);
      }
      if (progress.stage === 'training') {
        bar.setTotal(progress.epochs);
        bar.update(progress.epoch, { detail: `epochs, loss ${progress.loss.toFixed(4)}` });
      } else {
        bar.setTotal(progress.sets);
        bar.update(progress.predicted, { detail: 'evaluation sets predicted (validation and test, each severity)' });
      }
      refreshOverall();
    },
    trialDone(method, trialId, summary) {
      const key = trialKey(method, trialId);
      const bar = running.get(key);
      if (bar) multibar.remove(bar);
      running.delete(key);
      estimate.finish(method, trialId);
      refreshOverall();
      multibar.log(`${summary}\n`);
    },
    log(line) {
      multibar.log(`${line}\n`);
    },
    estimate(estimate) {
      multibar.log(`${describeCostEstimate(estimate)}\n`);
    },
    stop() {
      multibar.stop();
    },
  };
}

function plainProgress(quiet: boolean): SearchProgress {
  const estimate = new WorkEstimate();
  return {
    methodStarted(method, count) {
      estimate.restart(count);
      console.log(`${method}: training ${count} networks`);
    },
    epoch(progress) {
      estimate.update(progress);
      if (quiet) return;
      const { method, trialId } = progress;
      if (progress.stage === 'training') {
        console.log(`${method} trial ${trialId}: epoch ${progress.epoch}/${progress.epochs} loss ${progress.loss.toFixed(4)}, ${formatEta(estimate.etaSeconds())} for ${method}`);
      } else if (progress.predicted === 0) {
        console.log(`${method} trial ${trialId}: predicting ${progress.sets} evaluation sets (validation and test, each severity)`);
      }
    },
    trialDone(method, trialId, summary) {
      estimate.finish(method, trialId);
      const done = estimate.finished;
      const eta = done < estimate.networks ? `, ${formatEta(estimate.etaSeconds())}` : '';
      console.log(`[${done}/${estimate.networks}, ${estimate.elapsedSeconds().toFixed(0)} s${eta}] ${summary}`);
    },
    log(line) {
      console.log(line);
    },
    estimate(estimate) {
      // Quiet: only an estimate with a number in it.
      if (quiet && estimate.rates === undefined) return;
      console.log(describeCostEstimate(estimate));
    },
    stop() {},
  };
}
