/**
 * Piscina thread of `nes worker`: trains one job at a time, off the main thread, so that the main
 * thread keeps renewing the job's BullMQ lock however long an epoch takes. The engine is
 * initialised and the data sets received (SharedArrayBuffer views, not copies) once per thread.
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import { initEngine, type EngineChoice } from '../../train/engine.js';
import { trainMember } from '../train-member.js';
import type { WorkerDataSets } from '../types.js';
import { decodeStartingPoint, encodeMember, MEMBER_FORMAT, type TrainJobData, type TrainJobResult } from './protocol.js';

const { engine, data } = workerData as { engine: EngineChoice; data: WorkerDataSets };
let engineReady: Promise<unknown> | undefined;

export interface ThreadTask {
  task: TrainJobData['task'];
  /** Receives a TrainProgress after every epoch. */
  progress: MessagePort;
}

export default async function trainJob({ task, progress }: ThreadTask): Promise<TrainJobResult> {
  try {
    engineReady ??= initEngine(engine);
    await engineReady;
    const startFrom = task.startFrom === undefined ? undefined : decodeStartingPoint(task.startFrom);
    const outcome = await trainMember({ ...task, startFrom }, data, (message) => progress.postMessage(message));
    if (outcome.status === 'failed') return outcome;
    return { status: 'finished', format: MEMBER_FORMAT, payload: encodeMember(outcome) };
  } finally {
    progress.close();
  }
}
