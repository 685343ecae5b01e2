import type { Journal } from '../run/journal.js';
import type { SearchEventSink } from './search-events.js';

/**
 * Writes the search's events into the run journal, each fsynced before the search goes on. A
 * tell is journaled right after its 'finished' or 'failed' line, which is what makes a resume an
 * exact replay. 'run-resumed' waits for the next line: a resume that fails while checking the run
 * leaves the journal as it was (issue 19, item 12).
 */
export function journalSink(journal: Journal): SearchEventSink {
  return (event) => {
    switch (event.type) {
      case 'run-started':
        return journal.append({ event: 'run-started', methods: event.methods, engine: event.engine, workers: event.workers });
      case 'run-resumed':
        return journal.appendBeforeNext({ event: 'run-resumed', engine: event.engine, workers: event.workers });
      case 'proposed':
        return journal.append({ event: 'proposed', method: event.method, trial: event.trial });
      case 'started':
        return journal.append({ event: 'started', method: event.method, trialId: event.trialId, attempt: event.attempt });
      case 'attempt-failed':
        return journal.append({ event: 'attempt-failed', method: event.method, trialId: event.trialId, attempt: event.attempt, reason: event.reason });
      case 'requeued':
        return journal.append({ event: 'requeued', method: event.method, trialId: event.trialId, attempt: event.attempt, reason: event.reason });
      case 'adopted':
        return journal.append({ event: 'adopted', method: event.method, trialId: event.trialId });
      case 'trial-settled': {
        if (event.replayed) return;
        const { trial, member, failure } = event.settled;
        if (failure) {
          return journal.append({ event: 'failed', method: event.method, trialId: trial.id, attempt: failure.attempts, reason: failure.reason });
        }
        return journal.append({
          event: 'finished',
          method: event.method,
          trialId: trial.id,
          genotypeId: member.genotypeId,
          validationNll: member.validationNll,
          seconds: member.seconds,
          predictSeconds: member.predictSeconds,
          lossCurve: member.lossCurve,
        });
      }
      case 'time-limit-reached':
        return journal.append({ event: 'time-limit-reached', method: event.method, limitSeconds: event.limitSeconds, proposed: event.proposed, networks: event.networks });
      case 'budget-changed':
        return journal.append({ event: 'budget-changed', from: event.from, to: event.to });
      case 'run-finished':
        return journal.append({ event: 'run-finished', seconds: event.seconds });
      default:
        return;
    }
  };
}
