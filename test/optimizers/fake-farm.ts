import type { Optimizer, Trial, TrialResult } from '../../src/optimizers/types.js';
import { createRng } from '../../src/util/rng.js';

export interface FarmEvent {
  kind: 'ask' | 'tell';
  /** For asks: the proposal (or 'wait'); for tells: the trial and what it reported. */
  trial?: Trial;
  wait?: boolean;
  result?: TrialResult;
}

export interface FakeFarmOptions {
  workers: number;
  seed: string;
  /** Severities every result reports. */
  severities: number[];
  validationPoints?: number;
  /** Share of trials that fail. */
  failureRate?: number;
}

/**
 * Drives an optimizer like a worker pool would, with seeded random finish order, random
 * validation probabilities and occasional failures. `onEvent` sees every ask and tell.
 */
export function runFakeFarm(optimizer: Optimizer, options: FakeFarmOptions, onEvent: (event: FarmEvent) => void = () => {}): FarmEvent[] {
  const rng = createRng(options.seed);
  const points = options.validationPoints ?? 20;
  const running: Trial[] = [];
  const events: FarmEvent[] = [];
  const record = (event: FarmEvent): void => {
    events.push(event);
    onEvent(event);
  };
  let exhausted = false;
  while (!exhausted || running.length > 0) {
    while (!exhausted && running.length < options.workers) {
      const proposal = optimizer.ask();
      if (proposal === null) exhausted = true;
      else if (proposal === 'wait') {
        record({ kind: 'ask', wait: true });
        break;
      } else {
        running.push(proposal);
        record({ kind: 'ask', trial: proposal });
      }
    }
    if (running.length === 0) break;
    const [trial] = running.splice(rng.int(running.length), 1) as [Trial];
    const result = fakeResult(rng.next, options.severities, points, rng.next() < (options.failureRate ?? 0));
    optimizer.tell(trial, result);
    record({ kind: 'tell', trial, result });
  }
  return events;
}

function fakeResult(random: () => number, severities: number[], points: number, failed: boolean): TrialResult {
  if (failed) return { status: 'failed', reason: 'simulated failure' };
  const probs = new Map(severities.map((severity) => [severity, Float32Array.from({ length: points }, () => random())]));
  const clean = probs.get(severities[0]!)!;
  const validationNll = -clean.reduce((sum, p) => sum + Math.log(Math.max(p, 1e-12)), 0) / points;
  return { status: 'finished', validationTrueClassProbs: probs, validationNll };
}
