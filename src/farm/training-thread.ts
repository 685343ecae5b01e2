/**
 * Piscina worker: trains one candidate per task. The engine is initialised and the data sets
 * received (as SharedArrayBuffer views, not copies) once per thread, never per task.
 */
import { BroadcastChannel, workerData } from 'node:worker_threads';
import { initEngine, type EngineChoice } from '../train/engine.js';
import { memberEpochs, writeMemberFiles } from '../run/member-files.js';
import { trainMember } from './train-member.js';
import type { TrainOutcome, TrainTask, WorkerDataSets } from './types.js';

const { engine, data } = workerData as { engine: EngineChoice; data: WorkerDataSets };
let engineReady: Promise<unknown> | undefined;
const channels = new Map<string, BroadcastChannel>();

export default async function trainCandidate(task: TrainTask): Promise<TrainOutcome> {
  engineReady ??= initEngine(engine);
  await engineReady;
  const progress = channelFor(task.progressChannel);
  const outcome = await trainMember(task, data, (message) => progress.postMessage(message));
  if (outcome.status === 'failed') return outcome;
  // The model and training state stay on disk: the main thread needs neither.
  const { model: _model, state: _state, ...result } = outcome;
  writeMemberFiles(task.memberDir, { ...outcome, trialId: task.trial.id, epochs: memberEpochs(task.trial, task.training.epochs) }, data.numClasses);
  return result;
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
