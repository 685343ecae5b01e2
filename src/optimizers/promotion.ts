import { forwardSelect } from '../ensemble/forward-select.js';

/**
 * The fidelity ladder of a multi-fidelity search: the epochs a network has been trained for at each
 * rung (increasing, the last one the full budget), and the reduction factor eta: a rung promotes
 * one in eta of the networks that finished it.
 */
export interface FidelityLadder {
  epochs: number[];
  eta: number;
}

/**
 * What decides which networks of a rung go on:
 * - ensemble: the ones the ensemble needs, the first ⌊n/eta⌋ that ForwardSelect picks on the
 *   rung's validation predictions (a network poor alone but diverse can go on);
 * - single: the ⌊n/eta⌋ with the lowest validation NLL alone (plain ASHA, the ablation).
 */
export type PromotionRule = 'ensemble' | 'single';
export const PROMOTION_RULES: readonly PromotionRule[] = ['ensemble', 'single'];

/** A network that finished a rung: what promotion decisions read. */
export interface RungScore {
  trialId: number;
  rung: number;
  /** Its probability of the true class on every validation point (clean), at this rung. */
  trueClassProbs: Float32Array;
  /** Its validation NLL alone, at this rung. */
  nll: number;
}

/**
 * Asynchronous successive halving (ASHA, Li et al., 2020) over a fidelity ladder: whenever a worker
 * is free, the highest rung that has a network among its best ⌊n/eta⌋ not yet promoted promotes it;
 * only when none has does a new network start at the bottom rung. Nobody waits for a rung to fill.
 * Pure and deterministic: ties go to the lower trial id.
 */
export class PromotionQueue {
  /** Per rung, the networks that finished it, in the order they reported. */
  private readonly finished: RungScore[][];
  /** Per rung, the trial ids promoted out of it (or claimed for promotion while they train). */
  private readonly promoted: Set<number>[];

  constructor(
    readonly ladder: FidelityLadder,
    readonly rule: PromotionRule,
  ) {
    checkLadder(ladder);
    this.finished = ladder.epochs.map(() => []);
    this.promoted = ladder.epochs.map(() => new Set());
  }

  get topRung(): number {
    return this.ladder.epochs.length - 1;
  }

  /** Records a network that finished `score.rung`. */
  record(score: RungScore): void {
    const rung = this.finished[score.rung];
    if (rung === undefined) throw new RangeError(`rung ${score.rung} is not on the ladder (0..${this.topRung})`);
    if (rung.some((entry) => entry.trialId === score.trialId)) throw new Error(`trial ${score.trialId} already finished rung ${score.rung}`);
    rung.push(score);
  }

  /**
   * The next promotion, claimed (a second call will not return it again): the trial and the rung
   * it finished, to be trained on to the rung above; undefined when no rung has one due.
   */
  claimNext(): { trialId: number; fromRung: number } | undefined {
    const due = this.nextDue();
    if (due) this.promoted[due.fromRung]!.add(due.trialId);
    return due;
  }

  /** The promotion claimNext() would return, not claimed. */
  nextDue(): { trialId: number; fromRung: number } | undefined {
    for (let rung = this.topRung - 1; rung >= 0; rung--) {
      const trialId = this.dueAt(rung);
      if (trialId !== undefined) return { trialId, fromRung: rung };
    }
    return undefined;
  }

  /** Claims a given promotion again, as replaying a journal does; throws when it was claimed already. */
  claim(trialId: number, fromRung: number): void {
    const promoted = this.promoted[fromRung];
    if (promoted === undefined || fromRung >= this.topRung) throw new RangeError(`no promotion out of rung ${fromRung} (0..${this.topRung - 1})`);
    if (promoted.has(trialId)) throw new Error(`trial ${trialId} was already promoted out of rung ${fromRung}`);
    promoted.add(trialId);
  }

  /** Trial ids that finished `rung`, best first by the rule, up to the rung's promotion quota. */
  promotable(rung: number): number[] {
    const entries = [...(this.finished[rung] ?? [])].sort((a, b) => a.trialId - b.trialId);
    const quota = Math.floor(entries.length / this.ladder.eta);
    if (quota === 0) return [];
    if (this.rule === 'single') {
      return entries
        .map((entry, index) => ({ entry, index }))
        .sort((a, b) => a.entry.nll - b.entry.nll || a.index - b.index)
        .slice(0, quota)
        .map(({ entry }) => entry.trialId);
    }
    return forwardSelect(entries.map((entry) => entry.trueClassProbs), quota).map((index) => entries[index]!.trialId);
  }

  private dueAt(rung: number): number | undefined {
    const promoted = this.promoted[rung]!;
    return this.promotable(rung).find((trialId) => !promoted.has(trialId));
  }
}

export function checkLadder(ladder: FidelityLadder): void {
  const { epochs, eta } = ladder;
  if (epochs.length < 2) throw new RangeError(`a fidelity ladder needs at least 2 rungs, got ${epochs.length}`);
  epochs.forEach((value, index) => {
    if (!Number.isInteger(value) || value < 1 || (index > 0 && value <= epochs[index - 1]!)) {
      throw new RangeError(`fidelity epochs must be increasing positive integers, got [${epochs.join(', ')}]`);
    }
  });
  if (!(eta > 1)) throw new RangeError(`eta must be > 1, got ${eta}`);
}

/** Epochs a training to `rung` adds to one that finished the rung below (all of them at rung 0). */
export function legEpochs(ladder: FidelityLadder, rung: number): number {
  return ladder.epochs[rung]! - (rung > 0 ? ladder.epochs[rung - 1]! : 0);
}

/**
 * The default ladder for a schedule of `epochs` epochs: the full schedule divided by eta again and
 * again while at least one epoch is left, rounded (15 epochs, eta 3: [2, 5, 15]). Hyperband's
 * geometric rungs.
 */
export function defaultLadder(epochs: number, eta: number): number[] {
  const rungs = [epochs];
  for (let budget = epochs / eta; budget >= 1; budget /= eta) {
    const rounded = Math.round(budget);
    if (rounded < rungs[0]!) rungs.unshift(rounded);
  }
  return rungs;
}
