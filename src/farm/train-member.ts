import { buildModel } from '../train/model.js';
import { deserializeLayersModel, serializeLayersModel, type SerializedModel } from '../train/model-io.js';
import { predictProbs } from '../train/predict.js';
import { NonFiniteLossError, train } from '../train/trainer.js';
import type { ProbsBySeverity, TrainOutcome, TrainProgress, TrainTask, WorkerDataSets } from './types.js';

/** Where the first value that is not a probability in [0, 1] is, or undefined when all are. */
function firstNonProbability(splits: Record<string, ProbsBySeverity>): string | undefined {
  for (const [split, bySeverity] of Object.entries(splits)) {
    for (const [severity, probs] of Object.entries(bySeverity)) {
      const index = probs.findIndex((p) => !(p >= 0 && p <= 1));
      if (index >= 0) return `${probs[index]} in the ${split} predictions at severity ${severity}`;
    }
  }
  return undefined;
}

export type MemberOutcome =
  | (Extract<TrainOutcome, { status: 'finished' }> & { model: SerializedModel })
  | Extract<TrainOutcome, { status: 'failed' }>;

/**
 * Trains one candidate and predicts every validation and test set (each severity). The engine must
 * be initialised. Shared by the local farm's threads and the Redis workers. A leg of a
 * multi-fidelity search (trial.fidelity) trains the full schedule's epochs up to its rung, from
 * task.startFrom when it continues an earlier leg, and keeps its state unless it reached the end.
 */
export async function trainMember(
  task: Pick<TrainTask, 'method' | 'trial' | 'macro' | 'training' | 'startFrom'>,
  data: WorkerDataSets,
  onProgress: (progress: TrainProgress) => void,
): Promise<MemberOutcome> {
  const { train: trainSet, numClasses, normalization } = data;
  const { fidelity } = task.trial;
  const model = task.startFrom
    ? await deserializeLayersModel(task.startFrom.model)
    : buildModel(task.trial.genotype, task.macro, {
        inputShape: [trainSet.height, trainSet.width, trainSet.channels],
        numClasses,
        seed: task.trial.seed,
      });
  try {
    const { lossCurve, seconds, state } = await train(
      model,
      { train: trainSet },
      {
        ...task.training,
        seed: task.trial.seed,
        normalization,
        untilEpoch: fidelity?.epochs,
        resumeFrom: task.startFrom?.state,
        keepState: fidelity !== undefined && fidelity.epochs < task.training.epochs,
      },
      {
        onEpoch: ({ epoch, epochs, loss }) =>
          onProgress({ stage: 'training', trialId: task.trial.id, method: task.method, epoch, epochs, loss }),
      },
    );
    // Predicting every severity of both splits can take as long as training: it is reported too.
    const predictStart = performance.now();
    const sets = Object.keys(data.validation).length + Object.keys(data.test).length;
    let predicted = 0;
    const report = () => onProgress({ stage: 'predicting', trialId: task.trial.id, method: task.method, predicted, sets });
    const predictAll = async (split: WorkerDataSets['validation']): Promise<ProbsBySeverity> => {
      const probs: ProbsBySeverity = {};
      for (const [severity, images] of Object.entries(split)) {
        probs[Number(severity)] = await predictProbs(model, images, normalization);
        predicted++;
        report();
      }
      return probs;
    };
    report();
    const validationProbs = await predictAll(data.validation);
    const testProbs = await predictAll(data.test);
    // A diverged network can end with a finite loss but NaN outputs (issue 19, item 1): it is a
    // failed trial, not a member whose NaNs would stop the selection of the whole run.
    const broken = firstNonProbability({ validation: validationProbs, test: testProbs });
    if (broken) return { status: 'failed', reason: `predictions are not probabilities (${broken}; last training loss ${lossCurve.at(-1)?.toPrecision(4)}): the training diverged` };
    return {
      status: 'finished',
      validationProbs,
      testProbs,
      lossCurve,
      seconds,
      predictSeconds: (performance.now() - predictStart) / 1000,
      model: await serializeLayersModel(model),
      ...(state ? { state } : {}),
    };
  } catch (error) {
    if (error instanceof NonFiniteLossError) return { status: 'failed', reason: error.message };
    throw error;
  } finally {
    model.dispose();
  }
}

