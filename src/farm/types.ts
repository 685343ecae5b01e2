import type { LabelledImages, Normalization } from '../data/types.js';
import type { Trial } from '../optimizers/types.js';
import type { NesConfig } from '../run/config.js';
import type { ProbsBySeverity } from '../run/member-files.js';
import type { MacroConfig } from '../space/types.js';
import type { SerializedModel } from '../train/model-io.js';
import type { TrainingState } from '../train/trainer.js';

/** Everything a worker needs to train one candidate; the data sets are shared per worker. */
export interface TrainTask {
  method: string;
  trial: Trial;
  macro: MacroConfig;
  training: NesConfig['training'];
  /** Folder the member's model and predictions are written to (created by the worker). */
  memberDir: string;
  /** Channel name for progress messages (a BroadcastChannel shared by the farm's threads). */
  progressChannel: string;
  /** A promotion (trial.origin 'promotion'): where its network's previous leg stopped. */
  startFrom?: StartingPoint;
}

/** The model and training state a leg of a multi-fidelity search ended with, to continue from. */
export interface StartingPoint {
  model: SerializedModel;
  state: TrainingState;
}

/** Severity → images; severity 0 is the clean split, others carry the shift suite's corruptions. */
export type ImagesBySeverity = Record<number, LabelledImages>;

/** What a worker trains on and predicts, loaded once per worker. */
export interface WorkerDataSets {
  train: LabelledImages;
  numClasses: number;
  normalization: Normalization;
  validation: ImagesBySeverity;
  test: ImagesBySeverity;
}

/** Defined with the member files it is stored in. */
export type { ProbsBySeverity } from '../run/member-files.js';

export type TrainOutcome =
  | {
      status: 'finished';
      validationProbs: ProbsBySeverity;
      testProbs: ProbsBySeverity;
      lossCurve: number[];
      /** Training time. */
      seconds: number;
      /** Time spent predicting the validation and test sets at every severity after training. */
      predictSeconds: number;
      /** A leg that stopped short of the schedule (trial.fidelity): what a promotion continues from. */
      state?: TrainingState;
    }
  /** A candidate that cannot be trained (e.g. a non-finite loss): recorded, not retried. */
  | { status: 'failed'; reason: string };

/**
 * A progress message a worker broadcasts after every epoch, and while it predicts the evaluation
 * sets afterwards (after each set: `predicted` of `sets` validation and test sets done).
 */
export type TrainProgress =
  | { stage: 'training'; trialId: number; method: string; epoch: number; epochs: number; loss: number }
  | { stage: 'predicting'; trialId: number; method: string; predicted: number; sets: number };
