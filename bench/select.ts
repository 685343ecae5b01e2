/**
 * ForwardSelect speed on a synthetic pool the size of NES's (K=400 networks, N=10,000 validation
 * points, C=10 classes, ensemble size M=10). The paper's Python implementation takes 45.9 s.
 * Times true-class extraction + selection; data generation is not timed.
 */
import seedrandom from 'seedrandom';
import { forwardSelect, trueClassProbabilities } from '../src/ensemble/forward-select.js';

const POOL_SIZE = 400;
const NUM_POINTS = 10_000;
const NUM_CLASSES = 10;
const ENSEMBLE_SIZE = 10;

/**
 * Dirichlet(1)-like rows (normalized Exp(1) draws) with extra mass on the true class: member
 * strength × point easiness, so members differ in quality and agree on which points are easy.
 */
function syntheticPool(seed: string): { pool: Float32Array[]; labels: Uint8Array } {
  const rng = seedrandom.alea(seed);
  const labels = new Uint8Array(NUM_POINTS);
  const easiness = new Float64Array(NUM_POINTS);
  for (let i = 0; i < NUM_POINTS; i++) {
    labels[i] = Math.floor(rng() * NUM_CLASSES);
    easiness[i] = -Math.log(1 - rng());
  }
  const pool: Float32Array[] = [];
  const row = new Float64Array(NUM_CLASSES);
  for (let member = 0; member < POOL_SIZE; member++) {
    const strength = 2 + 6 * rng();
    const probs = new Float32Array(NUM_POINTS * NUM_CLASSES);
    for (let i = 0; i < NUM_POINTS; i++) {
      let total = 0;
      for (let c = 0; c < NUM_CLASSES; c++) {
        row[c] = -Math.log(1 - rng());
        total += row[c]!;
      }
      row[labels[i]!] = row[labels[i]!]! + strength * easiness[i]!;
      total += strength * easiness[i]!;
      for (let c = 0; c < NUM_CLASSES; c++) probs[i * NUM_CLASSES + c] = row[c]! / total;
    }
    pool.push(probs);
  }
  return { pool, labels };
}

export async function run(args: string[]): Promise<void> {
  const seed = args[0] ?? 'nes-select-bench';
  const { pool, labels } = syntheticPool(seed);
  const started = process.hrtime.bigint();
  const trueClass = pool.map((probs) => trueClassProbabilities(probs, labels, NUM_CLASSES));
  const extracted = process.hrtime.bigint();
  const members = forwardSelect(trueClass, ENSEMBLE_SIZE);
  const finished = process.hrtime.bigint();
  const seconds = Number(finished - started) / 1e9;
  const extractSeconds = Number(extracted - started) / 1e9;
  console.log(JSON.stringify({ members, extractSeconds, selectSeconds: Number((seconds - extractSeconds).toFixed(4)) }));
  console.log(
    JSON.stringify({ bench: 'select', K: POOL_SIZE, N: NUM_POINTS, C: NUM_CLASSES, M: ENSEMBLE_SIZE, seconds: Number(seconds.toFixed(4)) }),
  );
}
