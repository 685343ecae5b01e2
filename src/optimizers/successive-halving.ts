import { checkLadder, legEpochs, PromotionQueue, type FidelityLadder, type PromotionRule } from './promotion.js';
import { TrialLedger, type TrialIds } from './trial-ledger.js';
import { networkOf, type Optimizer, type Trial, type TrialResult } from './types.js';

export interface SuccessiveHalvingOptions {
  /**
   * Proposes the networks (NES-RS or NES-RE), sharing `ids`; told each network's first leg, and
   * through update() each promotion that finished. Its own budget must not run out first.
   */
  inner: Optimizer;
  ids: TrialIds;
  ladder: FidelityLadder;
  rule: PromotionRule;
  /** Epochs to train in all, every leg counted (a full-budget method's K × epochs). */
  epochBudget: number;
}

interface Network {
  trial: Trial;
  /** The id of its latest finished leg, which a promotion continues. */
  latestLeg: number;
}

/**
 * Multi-fidelity NES (rs-sh, re-sh): the inner optimizer's networks start at the ladder's bottom
 * rung, and an asynchronous successive-halving queue (ASHA, PromotionQueue) trains on the ones the
 * ensemble needs. Each ask() proposes, in this order: the due promotion of the highest rung (a
 * trial continuing the network's latest leg), else a new network from the inner optimizer. It
 * returns null, for good, once the next proposal would train past the epoch budget: the budget is
 * never exceeded, and a larger budget on resume replays the same proposals.
 */
export class SuccessiveHalving implements Optimizer {
  private readonly ledger: TrialLedger;
  private readonly queue: PromotionQueue;
  private readonly networks = new Map<number, Network>();
  private committedEpochs = 0;
  private spent = false;

  constructor(private readonly options: SuccessiveHalvingOptions) {
    checkLadder(options.ladder);
    if (!Number.isInteger(options.epochBudget) || options.epochBudget < 0) throw new RangeError(`epochBudget must be a non-negative integer, got ${options.epochBudget}`);
    this.ledger = new TrialLedger(options.ids);
    this.queue = new PromotionQueue(options.ladder, options.rule);
  }

  /** Epochs of every leg proposed so far (finished, failed or running). */
  get epochsProposed(): number {
    return this.committedEpochs;
  }

  ask(): Trial | 'wait' | null {
    if (this.spent) return null;
    const { ladder, epochBudget } = this.options;
    const due = this.queue.nextDue();
    const rung = due ? due.fromRung + 1 : 0;
    const cost = legEpochs(ladder, rung);
    if (this.committedEpochs + cost > epochBudget) {
      this.spent = true;
      return null;
    }
    const fidelity = { rung, epochs: ladder.epochs[rung]! };
    if (due) {
      this.queue.claim(due.trialId, due.fromRung);
      const network = this.networks.get(due.trialId)!;
      this.committedEpochs += cost;
      return {
        id: this.ledger.open(),
        genotype: network.trial.genotype,
        seed: network.trial.seed,
        origin: { source: 'promotion', network: due.trialId, from: network.latestLeg },
        fidelity,
      };
    }
    const proposal = this.options.inner.ask();
    if (proposal === null) this.spent = true;
    if (proposal === null || proposal === 'wait') return proposal;
    this.committedEpochs += cost;
    return { ...proposal, fidelity };
  }

  tell(trial: Trial, result: TrialResult): void {
    if (trial.origin.source !== 'promotion') {
      this.options.inner.tell(trial, result);
      if (result.status === 'finished') {
        this.networks.set(trial.id, { trial, latestLeg: trial.id });
        this.record(trial, result);
      }
      return;
    }
    this.ledger.close(trial);
    // A promotion that failed leaves its network where it was: finished at the rung below.
    if (result.status !== 'finished') return;
    const network = this.networks.get(networkOf(trial));
    if (!network) throw new Error(`promotion ${trial.id} continues network ${networkOf(trial)}, which never finished a rung`);
    network.latestLeg = trial.id;
    this.record(trial, result);
    this.options.inner.update?.(network.trial.id, result);
  }

  private record(trial: Trial, result: Extract<TrialResult, { status: 'finished' }>): void {
    const trueClassProbs = result.validationTrueClassProbs.get(0);
    if (!trueClassProbs) throw new Error(`trial ${trial.id} reported no clean validation probabilities, which promotion reads`);
    this.queue.record({ trialId: networkOf(trial), rung: trial.fidelity?.rung ?? 0, trueClassProbs, nll: result.validationNll });
  }
}
