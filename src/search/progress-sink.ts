import type { SearchProgress } from './progress.js';
import type { SearchEventSink, SettledTrial } from './search-events.js';

/** Shows the search's events on a SearchProgress (the CLI's display, a test's recorder). */
export function progressSink(progress: SearchProgress): SearchEventSink {
  return (event) => {
    switch (event.type) {
      case 'run-opened':
        return progress.log(`run ${event.run.id}: ${event.run.dir}`);
      case 'method-started':
        return progress.methodStarted(event.method, event.networks);
      case 'trial-settled':
        return progress.trialDone(event.method, event.settled.trial.id, settledSummary(event.method, event.settled));
      case 'training-stopped':
        return progress.stop();
      default:
        return;
    }
  };
}

function settledSummary(method: string, { trial, member, failure }: SettledTrial): string {
  return member
    ? `${method} trial ${trial.id} (${member.genotypeId}): validation NLL ${member.validationNll.toFixed(4)}, ${member.seconds.toFixed(1)} s training + ${member.predictSeconds.toFixed(1)} s predicting`
    : `${method} trial ${trial.id} failed: ${failure.reason}`;
}
