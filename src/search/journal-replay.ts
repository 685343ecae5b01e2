import type { Optimizer, Trial } from '../optimizers/types.js';
import type { JournalEvent } from '../run/journal.js';
import { JournalError } from '../run/journal-reader.js';
import { canonicalGenotypeJson, genotypeId } from '../space/id.js';
import type { PoolMember } from './pool.js';
import type { SettledTrial } from './search-events.js';

/** What a resume knows: a method's journal events from before the stop, and how to read a member back. */
export interface MethodHistory {
  events: JournalEvent[];
  /** A finished member read back from its files; undefined when they are incomplete. */
  readMember(trial: Trial): PoolMember | undefined;
}

/**
 * Brings a fresh optimizer to the state the journal recorded by replaying exactly its asks and
 * tells: each 'proposed' line is asked again (and must come out the same), each 'finished' or
 * 'failed' line is settled through `settle`, which tells the optimizer. Returns the trials that
 * were still in flight, in order of proposal.
 */
export function replayJournal(
  method: string,
  optimizer: Optimizer,
  history: MethodHistory,
  settle: (settled: SettledTrial) => void,
): Trial[] {
  const inFlight = new Map<number, Trial>();
  for (const event of history.events) {
    if (event.event === 'proposed') {
      const trial = optimizer.ask();
      if (trial === null || trial === 'wait' || trial.id !== event.trial.id || trial.seed !== event.trial.seed ||
        canonicalGenotypeJson(trial.genotype) !== canonicalGenotypeJson(event.trial.genotype)) {
        throw new JournalError(
          `${method}: replaying the journal, trial ${event.trial.id} was not proposed again as recorded; the journal does not belong to this config and version`,
        );
      }
      inFlight.set(trial.id, trial);
    } else if (event.event === 'finished' || event.event === 'failed') {
      const trial = inFlight.get(event.trialId);
      if (!trial) throw new JournalError(`${method}: the journal ends trial ${event.trialId}, which it never proposed`);
      inFlight.delete(trial.id);
      if (event.event === 'failed') {
        settle({ trial, failure: { trialId: trial.id, genotypeId: genotypeId(trial.genotype), reason: event.reason, attempts: event.attempt } });
        continue;
      }
      const member = history.readMember(trial);
      if (!member) throw new JournalError(`${method}: trial ${trial.id} is journaled as finished but its files are incomplete`);
      settle({ trial, member });
    }
  }
  return [...inFlight.values()];
}
