/**
 * What the coordinator (RedisExecutor) and the workers (nes worker) agree on: queue and key names,
 * the job data, and the encoding of a finished member in the job's return value. The transport is
 * BullMQ on Redis; nothing here speaks to Redis itself.
 */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { SerializedModel } from '../../train/model-io.js';
import type { EngineChoice } from '../../util/engine-names.js';
import type { TrainingState } from '../../train/trainer.js';
import type { ProbsBySeverity, StartingPoint, TrainProgress, TrainTask, WorkerDataSets } from '../types.js';
import type { WorkerDataRecipe } from '../worker-data.js';

/** Default key prefix of every BullMQ key nes writes (`nes:<queue>:…`) and of the run registry. */
export const DEFAULT_PREFIX = 'nes';

/** The queue of one run: `nes-<runId>`. */
export function queueNameForRun(runId: string): string {
  return `nes-${runId}`;
}

/**
 * Sorted set of the queues of active runs (member = queue name, score = last heartbeat, ms since
 * the epoch). A coordinator adds its queue when it starts, refreshes the score every few seconds
 * and removes it on close; `nes worker` without --queue/--run serves every queue whose heartbeat
 * is recent.
 */
export function registryKey(prefix = DEFAULT_PREFIX): string {
  return `${prefix}:queues`;
}

/** The sorted-set commands the registry needs (ioredis, BullMQ's default client, has them). */
export interface RegistryClient {
  zadd(key: string, score: number, member: string): Promise<unknown>;
  zrem(key: string, member: string): Promise<unknown>;
  zrangebyscore(key: string, min: number | string, max: number | string): Promise<string[]>;
}

/** The registry commands of a BullMQ connection's client. */
export function registryClient(client: unknown): RegistryClient {
  return client as RegistryClient;
}

/** The BullMQ job id of a training: `<method>-<trialId>`, unique within a run. */
export function jobIdFor(task: Pick<TrainTask, 'method' | 'trial'>): string {
  return `${task.method}-${task.trial.id}`;
}

/**
 * Enough to rebuild a run's data sets on another machine, bit for bit: buildWorkerDataSets is
 * deterministic given the data files, the seed and the shift config (with shift.testDataDir, the
 * folder the test shift is read from). The fingerprint (SHA-256 of every image, label and the
 * normalisation, shifted test images included) lets a worker prove it rebuilt the same data. The
 * dataset config is the coordinator's; a worker may point its dataDir elsewhere (--data-dir).
 */
export interface DatasetReference extends WorkerDataRecipe {
  fingerprint: string;
}

export function datasetReference(recipe: WorkerDataRecipe, data: WorkerDataSets): DatasetReference {
  return { dataset: recipe.dataset, seed: recipe.seed, shift: recipe.shift, fingerprint: dataFingerprint(data) };
}

/** SHA-256 over the data sets a member trains on and predicts, in a fixed order. */
export function dataFingerprint(data: WorkerDataSets): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ numClasses: data.numClasses, normalization: data.normalization }));
  const images = (name: string, set: WorkerDataSets['train']) => {
    hash.update(`${name}:${set.count}x${set.height}x${set.width}x${set.channels}`);
    hash.update(set.images);
    hash.update(set.labels);
  };
  images('train', data.train);
  for (const split of ['validation', 'test'] as const) {
    for (const severity of Object.keys(data[split]).map(Number).sort((a, b) => a - b)) {
      images(`${split}-${severity}`, data[split][severity]!);
    }
  }
  return hash.digest('hex');
}

/** The data of one BullMQ job. Plain JSON. */
export interface TrainJobData {
  /** startFrom (a promotion's starting point) travels packed by encodeStartingPoint. */
  task: Omit<TrainTask, 'memberDir' | 'progressChannel' | 'startFrom'> & { startFrom?: string };
  dataset: DatasetReference;
  /** The coordinator's engine; a worker uses it unless started with --backend. */
  engine: EngineChoice;
  /** A training running longer fails the job (no retry), like the local farm's timeout. */
  taskTimeoutMs: number;
}

/** The job's return value. A non-finite loss is a result, not an error: it is not retried. */
export type TrainJobResult =
  | { status: 'finished'; format: typeof MEMBER_FORMAT; payload: string }
  | { status: 'failed'; reason: string };

/** The progress a worker reports after every epoch (job.updateProgress). */
export type TrainJobProgress = TrainProgress;

export const MEMBER_FORMAT = 'nes-member-v1+gzip+base64';

/** A finished member as it travels from a worker to the coordinator. */
export interface MemberResult {
  validationProbs: ProbsBySeverity;
  testProbs: ProbsBySeverity;
  lossCurve: number[];
  seconds: number;
  predictSeconds: number;
  model: SerializedModel;
  /** A multi-fidelity leg that stopped short of the schedule. */
  state?: TrainingState;
}

interface Header {
  lossCurve: number[];
  seconds: number;
  predictSeconds: number;
  modelJson: string;
  /** [severity, float count] in the order of the blocks. */
  validation: [number, number][];
  test: [number, number][];
  weightsBytes: number;
  /** The momentum block after the weights, when the member kept its training state. */
  state?: { epochsDone: number; floats: number };
}

/**
 * Packs a member as [u32 header length][header JSON][validation float32 blocks][test blocks][weights],
 * gzipped and base64-encoded (a job's return value is stored as a JSON string).
 */
export function encodeMember(member: MemberResult): string {
  const blocks = (probs: ProbsBySeverity) =>
    Object.keys(probs)
      .map(Number)
      .sort((a, b) => a - b)
      .map((severity) => [severity, probs[severity]!] as const);
  const validation = blocks(member.validationProbs);
  const test = blocks(member.testProbs);
  const header: Header = {
    lossCurve: member.lossCurve,
    seconds: member.seconds,
    predictSeconds: member.predictSeconds,
    modelJson: member.model.modelJson,
    validation: validation.map(([severity, probs]) => [severity, probs.length]),
    test: test.map(([severity, probs]) => [severity, probs.length]),
    weightsBytes: member.model.weights.byteLength,
    ...(member.state ? { state: { epochsDone: member.state.epochsDone, floats: member.state.momentum.length } } : {}),
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(headerBytes.length);
  const parts: Uint8Array[] = [length, headerBytes];
  for (const [, probs] of [...validation, ...test]) parts.push(new Uint8Array(probs.buffer, probs.byteOffset, probs.byteLength));
  parts.push(member.model.weights);
  if (member.state) parts.push(bytesOf(member.state.momentum));
  return gzipSync(Buffer.concat(parts), { level: 6 }).toString('base64');
}

export class MemberFormatError extends Error {
  override name = 'MemberFormatError';
}

export function decodeMember(payload: string): MemberResult {
  const bytes = gunzipSync(Buffer.from(payload, 'base64'));
  if (bytes.length < 4) throw new MemberFormatError('member payload too short');
  const headerLength = bytes.readUInt32LE(0);
  let offset = 4 + headerLength;
  if (offset > bytes.length) throw new MemberFormatError('member payload header truncated');
  const header = JSON.parse(bytes.subarray(4, offset).toString('utf8')) as Header;
  const take = (byteLength: number): Uint8Array => {
    if (offset + byteLength > bytes.length) throw new MemberFormatError('member payload truncated');
    // A copy: aligned, and independent of the decompressed buffer.
    const copy = new Uint8Array(byteLength);
    copy.set(bytes.subarray(offset, offset + byteLength));
    offset += byteLength;
    return copy;
  };
  const probs = (entries: [number, number][]): ProbsBySeverity =>
    Object.fromEntries(entries.map(([severity, count]) => [severity, new Float32Array(take(count * 4).buffer)]));
  const validationProbs = probs(header.validation);
  const testProbs = probs(header.test);
  const weights = take(header.weightsBytes);
  const state = header.state && { epochsDone: header.state.epochsDone, momentum: new Float32Array(take(header.state.floats * 4).buffer) };
  if (offset !== bytes.length) throw new MemberFormatError(`member payload has ${bytes.length - offset} trailing bytes`);
  return {
    validationProbs,
    testProbs,
    lossCurve: header.lossCurve,
    seconds: header.seconds,
    predictSeconds: header.predictSeconds,
    model: { modelJson: header.modelJson, weights },
    ...(state ? { state } : {}),
  };
}

function bytesOf(values: Float32Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

/**
 * A promotion's starting point in a job's (JSON) data: [u32 header length][header JSON][weights]
 * [momentum float32], gzipped and base64-encoded, as a finished member travels back.
 */
export function encodeStartingPoint(start: StartingPoint): string {
  const header = Buffer.from(JSON.stringify({ modelJson: start.model.modelJson, weightsBytes: start.model.weights.byteLength, epochsDone: start.state.epochsDone }), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  return gzipSync(Buffer.concat([length, header, start.model.weights, bytesOf(start.state.momentum)]), { level: 6 }).toString('base64');
}

export function decodeStartingPoint(payload: string): StartingPoint {
  const bytes = gunzipSync(Buffer.from(payload, 'base64'));
  const headerEnd = 4 + (bytes.length >= 4 ? bytes.readUInt32LE(0) : Infinity);
  if (headerEnd > bytes.length) throw new MemberFormatError('starting point payload header truncated');
  const header = JSON.parse(bytes.subarray(4, headerEnd).toString('utf8')) as { modelJson: string; weightsBytes: number; epochsDone: number };
  const momentumBytes = bytes.length - headerEnd - header.weightsBytes;
  if (momentumBytes < 0 || momentumBytes % 4 !== 0) throw new MemberFormatError('starting point payload truncated');
  const weights = Uint8Array.from(bytes.subarray(headerEnd, headerEnd + header.weightsBytes));
  const momentum = new Float32Array(Uint8Array.from(bytes.subarray(headerEnd + header.weightsBytes)).buffer);
  return { model: { modelJson: header.modelJson, weights }, state: { epochsDone: header.epochsDone, momentum } };
}

/** BullMQ connection options for a redis:// or rediss:// URL (password, db and TLS come from the URL; ioredis parses it). */
export function connectionFor(url: string): { url: string; maxRetriesPerRequest: null } {
  if (!/^rediss?:\/\//.test(url)) throw new Error(`"${url}" is not a redis:// or rediss:// URL`);
  return { url, maxRetriesPerRequest: null };
}

/** The URL without its password, for log lines. */
export function redactUrl(url: string): string {
  return url.replace(/^(rediss?:\/\/)([^@/]*)@/, (_match, scheme: string, auth: string) =>
    `${scheme}${auth.includes(':') ? `${auth.split(':')[0]}:***` : '***'}@`,
  );
}
