/**
 * Piscina worker: trains one candidate per task. The engine is initialised and the dataset
 * received (as SharedArrayBuffer views) once per thread, never per task.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BroadcastChannel, workerData } from 'node:worker_threads';
import type { DatasetSplits } from '../data/types.js';
import { writeNpy } from '../data/npy.js';
import { initEngine, type EngineName } from '../train/engine.js';
import { buildModel } from '../train/model.js';
import { saveLayersModel } from '../train/model-io.js';
import { predictProbs } from '../train/predict.js';
import { NonFiniteLossError, train } from '../train/trainer.js';
import type { TrainOutcome, TrainProgress, TrainTask } from './types.js';

const { engine, dataset } = workerData as { engine: EngineName | 'auto'; dataset: DatasetSplits };
let engineReady: Promise<unknown> | undefined;
const channels = new Map<string, BroadcastChannel>();

export default async function trainCandidate(task: TrainTask): Promise<TrainOutcome> {
  engineReady ??= initEngine(engine);
  await engineReady;
  const { train: trainSet, validation, test, numClasses, normalization } = dataset;
  const model = buildModel(task.trial.genotype, task.macro, {
    inputShape: [trainSet.height, trainSet.width, trainSet.channels],
    numClasses,
    seed: task.trial.seed,
  });
  try {
    const progress = channelFor(task.progressChannel);
    const { lossCurve, seconds } = await train(
      model,
      { train: trainSet, validation },
      { ...task.training, seed: task.trial.seed, normalization },
      {
        onEpoch: ({ epoch, epochs, loss }) => {
          const message: TrainProgress = { trialId: task.trial.id, method: task.method, epoch, epochs, loss };
          progress.postMessage(message);
        },
      },
    );
    const validationProbs = predictProbs(model, validation, normalization);
    const testProbs = predictProbs(model, test, normalization);
    mkdirSync(task.memberDir, { recursive: true });
    writeNpy(join(task.memberDir, 'validation.npy'), {
      dtype: 'float32',
      shape: [validation.count, numClasses],
      data: validationProbs,
    });
    writeNpy(join(task.memberDir, 'test.npy'), { dtype: 'float32', shape: [test.count, numClasses], data: testProbs });
    // The model goes last: a member folder with model.json is complete.
    await saveLayersModel(model, task.memberDir);
    return { status: 'finished', validationProbs, testProbs, lossCurve, seconds };
  } catch (error) {
    if (error instanceof NonFiniteLossError) return { status: 'failed', reason: error.message };
    throw error;
  } finally {
    model.dispose();
  }
}

function channelFor(name: string): BroadcastChannel {
  let channel = channels.get(name);
  if (!channel) {
    channel = new BroadcastChannel(name);
    channel.unref();
    channels.set(name, channel);
  }
  return channel;
}
