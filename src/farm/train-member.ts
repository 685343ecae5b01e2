import { buildModel } from '../train/model.js';
import { serializeLayersModel, type SerializedModel } from '../train/model-io.js';
import { predictProbs } from '../train/predict.js';
import { NonFiniteLossError, train } from '../train/trainer.js';
import type { ProbsBySeverity, TrainOutcome, TrainProgress, TrainTask, WorkerDataSets } from './types.js';

export type MemberOutcome =
  | (Extract<TrainOutcome, { status: 'finished' }> & { model: SerializedModel })
  | Extract<TrainOutcome, { status: 'failed' }>;

/**
 * Trains one candidate and predicts every validation and test set (each severity). The engine must
 * be initialised. Shared by the local farm's threads and the Redis workers.
 */
export async function trainMember(
  task: Pick<TrainTask, 'method' | 'trial' | 'macro' | 'training'>,
  data: WorkerDataSets,
  onProgress: (progress: TrainProgress) => void,
): Promise<MemberOutcome> {
  const { train: trainSet, numClasses, normalization } = data;
  const model = buildModel(task.trial.genotype, task.macro, {
    inputShape: [trainSet.height, trainSet.width, trainSet.channels],
    numClasses,
    seed: task.trial.seed,
  });
  try {
    const { lossCurve, seconds } = await train(
      model,
      { train: trainSet },
      { ...task.training, seed: task.trial.seed, normalization },
      {
        onEpoch: ({ epoch, epochs, loss }) =>
          onProgress({ trialId: task.trial.id, method: task.method, epoch, epochs, loss }),
      },
    );
    const predictAll = async (sets: WorkerDataSets['validation']): Promise<ProbsBySeverity> => {
      const probs: ProbsBySeverity = {};
      for (const [severity, images] of Object.entries(sets)) probs[Number(severity)] = await predictProbs(model, images, normalization);
      return probs;
    };
    return {
      status: 'finished',
      validationProbs: await predictAll(data.validation),
      testProbs: await predictAll(data.test),
      lossCurve,
      seconds,
      model: await serializeLayersModel(model),
    };
  } catch (error) {
    if (error instanceof NonFiniteLossError) return { status: 'failed', reason: error.message };
    throw error;
  } finally {
    model.dispose();
  }
}
