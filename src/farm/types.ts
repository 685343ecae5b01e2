import type { Trial } from '../optimizers/types.js';
import type { MacroConfig } from '../space/types.js';

/** Everything a worker needs to train one candidate; the dataset itself is shared per worker. */
export interface TrainTask {
  method: string;
  trial: Trial;
  macro: MacroConfig;
  training: {
    epochs: number;
    batchSize: number;
    learningRate: number;
    momentum: number;
    weightDecay: number;
    gradientClip: number;
  };
  /** Folder the member's model and predictions are written to (created by the worker). */
  memberDir: string;
  /** Channel name for progress messages (a BroadcastChannel shared by the farm's threads). */
  progressChannel: string;
}

export type TrainOutcome =
  | {
      status: 'finished';
      /** Softmax predictions, N×C row-major, also written to memberDir as .npy. */
      validationProbs: Float32Array;
      testProbs: Float32Array;
      lossCurve: number[];
      seconds: number;
    }
  /** A candidate that cannot be trained (e.g. a non-finite loss): recorded, not retried. */
  | { status: 'failed'; reason: string };

/** A progress message a worker broadcasts after every epoch. */
export interface TrainProgress {
  trialId: number;
  method: string;
  epoch: number;
  epochs: number;
  loss: number;
}
