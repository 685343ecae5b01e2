/**
 * A promotion of a multi-fidelity search, as the farm runs it: a leg trains epochs 1–2 of a 4-epoch
 * schedule and its member files (model, momentum.npy, member.json) are written; a promotion reads
 * them back (readTrainingStart) and trains epochs 3–4. Its losses and predictions are those of the
 * same network trained for 4 epochs in one go.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { trainMember, type MemberOutcome } from '../../src/farm/train-member.js';
import type { TrainTask, WorkerDataSets } from '../../src/farm/types.js';
import type { Trial } from '../../src/optimizers/types.js';
import { memberEpochs, readTrainingStart, writeMemberFiles } from '../../src/run/member-files.js';
import { MEMBER_MOMENTUM_FILE } from '../../src/run/member-layout.js';
import { initEngine } from '../../src/train/engine.js';
import { DARTS_V2, GREY, TINY_MACRO, toyImages } from '../train/helpers.js';

const SIZE = 8;
const data: WorkerDataSets = {
  train: toyImages(10, SIZE, 3),
  numClasses: 2,
  normalization: GREY,
  validation: { 0: toyImages(6, SIZE, 5) },
  test: { 0: toyImages(6, SIZE, 7) },
};
const training: TrainTask['training'] = { epochs: 4, batchSize: 4, learningRate: 0.1, momentum: 0.9, weightDecay: 3e-4, gradientClip: 5 };
const folder = mkdtempSync(join(tmpdir(), 'nes-promotion-'));
after(() => rmSync(folder, { recursive: true, force: true }));

const trial = (id: number, extra: Partial<Trial>): Trial => ({ id, seed: 21, genotype: DARTS_V2, origin: { source: 'random' }, ...extra });

function finished(outcome: MemberOutcome): Extract<MemberOutcome, { status: 'finished' }> {
  assert.equal(outcome.status, 'finished', outcome.status === 'failed' ? outcome.reason : '');
  return outcome as Extract<MemberOutcome, { status: 'finished' }>;
}

test("a promoted leg continues from its network's member files and ends as an uninterrupted training", async () => {
  await initEngine('wasm');
  const task = (t: Trial, startFrom?: TrainTask['startFrom']) => ({ method: 'rs-sh', trial: t, macro: TINY_MACRO, training, startFrom });
  const noProgress = () => {};

  const first = trial(0, { fidelity: { rung: 0, epochs: 2 } });
  const leg = finished(await trainMember(task(first), data, noProgress));
  assert.equal(leg.lossCurve.length, 2);
  assert.equal(leg.state?.epochsDone, 2, 'a leg short of the schedule keeps its state');
  const legDir = join(folder, 'leg');
  writeMemberFiles(legDir, { ...leg, trialId: first.id, epochs: memberEpochs(first, training.epochs) }, data.numClasses);
  assert.ok(existsSync(join(legDir, MEMBER_MOMENTUM_FILE)));
  assert.equal(JSON.parse(readFileSync(join(legDir, 'member.json'), 'utf8')).epochs, 2);
  assert.throws(() => readTrainingStart(legDir, 1), /was trained for 2 epochs; the promotion continues from 1/);

  const promotion = trial(1, { fidelity: { rung: 1, epochs: 4 }, origin: { source: 'promotion', network: 0, from: 0 } });
  const continued = finished(await trainMember(task(promotion, readTrainingStart(legDir, 2)), data, noProgress));
  assert.equal(continued.state, undefined, 'the last rung keeps no state: nothing continues from it');
  const promotedDir = join(folder, 'promoted');
  writeMemberFiles(promotedDir, { ...continued, trialId: promotion.id, epochs: memberEpochs(promotion, training.epochs) }, data.numClasses);
  assert.equal(existsSync(join(promotedDir, MEMBER_MOMENTUM_FILE)), false);
  assert.throws(() => readTrainingStart(promotedDir, 4), /holds no training state/);

  const whole = finished(await trainMember(task(trial(2, {})), data, noProgress));
  assert.deepEqual([...leg.lossCurve, ...continued.lossCurve], whole.lossCurve);
  for (const split of ['validationProbs', 'testProbs'] as const) assert.deepEqual(continued[split], whole[split], split);
  assert.deepEqual(continued.model.weights, whole.model.weights);
});
