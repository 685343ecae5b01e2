import { formatDuration, type CostEstimate } from './cost-estimate.js';
import type { Trial } from '../optimizers/types.js';
import type { SearchProgress } from './progress.js';
import type { SearchEventSink, SettledTrial } from './search-events.js';

/**
 * Shows the search's events on a SearchProgress (the CLI's display, a test's recorder), with the
 * cost estimate: once the search is planned, and again after the first network of this
 * invocation finishes (measured seconds per epoch and per prediction). `limitSeconds` is the time
 * limit, if any; `trialEpochs` the epochs a trial trains (method-rules.ts).
 */
export function progressSink(progress: SearchProgress, options: { limitSeconds?: number; trialEpochs: (trial: Trial) => number }): SearchEventSink {
  let planned: CostEstimate | undefined;
  let settledNow = 0;
  let epochsNow = 0;
  let measured = false;
  let limitShown = false;
  return (event) => {
    switch (event.type) {
      case 'run-opened':
        return progress.log(`run ${event.run.id}: ${event.run.dir}`);
      case 'budget-changed':
        return progress.log(`budget grown from ${event.from} to ${event.to} networks per method: the search goes on where it stopped`);
      case 'search-planned': {
        const { earlier } = event;
        planned = {
          phase: 'start',
          networks: event.networks,
          epochs: event.epochs,
          workers: event.workers,
          rates: earlier.networks > 0 && earlier.epochs > 0 ? { trainSecondsPerEpoch: earlier.trainSeconds / earlier.epochs, predictSecondsPerTraining: earlier.predictSeconds / earlier.networks } : undefined,
          basis: earlier.networks > 0 ? 'earlier networks' : 'unknown',
          multiFidelity: event.multiFidelity,
          limitSeconds: options.limitSeconds,
        };
        return progress.estimate(planned);
      }
      case 'method-started':
        return progress.methodStarted(event.method, event.networks);
      case 'trial-settled': {
        progress.trialDone(event.method, event.settled.trial.id, settledSummary(event.method, event.settled));
        if (event.replayed) return;
        const epochs = options.trialEpochs(event.settled.trial);
        settledNow++;
        epochsNow += epochs;
        const member = event.settled.member;
        if (!member || measured || !planned) return;
        measured = true;
        return progress.estimate({
          ...planned,
          phase: 'measured',
          networks: Math.max(0, planned.networks - settledNow),
          epochs: Math.max(0, planned.epochs - epochsNow),
          rates: { trainSecondsPerEpoch: member.seconds / epochs, predictSecondsPerTraining: member.predictSeconds },
          basis: 'first network',
        });
      }
      case 'time-limit-reached':
        if (limitShown) return;
        limitShown = true;
        return progress.log(
          `time limit of ${formatDuration(event.limitSeconds)} reached: no new trainings (${event.method}: ${event.proposed} of ${event.networks} started); those running finish, then the run is evaluated`,
        );
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
