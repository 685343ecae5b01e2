import { MetricInputError } from '../evaluate/errors.js';
import { addInto, summedNll } from './nll-kernel.js';
import { validatePool, validateSize } from './pool.js';

export { trueClassProbabilities } from './true-class-probs.js';

export interface ForwardSelectOptions {
  /** Partial ensembles kept per size (default 1: plain greedy ForwardSelect as in NES). */
  beam?: number;
}

interface PartialEnsemble {
  /** Pool indices in the order they were added. */
  members: number[];
  /** Per point, the sum of the members' true-class probabilities. */
  sum: Float64Array;
}

interface Extension {
  parentRank: number;
  candidate: number;
  score: number;
}

/**
 * ForwardSelect (Caruana et al., without replacement, as in NES). `trueClassProbs[k][i]` is pool
 * member k's probability of point i's true class. Starts from the member with the lowest NLL, then
 * greedily adds the member that most lowers the NLL of the averaged probability; NLL clips
 * probabilities at PROBABILITY_FLOOR (1e-12). Fills to min(size, K): a pool of ≤ size members comes
 * back whole, in greedy order. Ties go to the lower pool index.
 *
 * With beam B > 1 the B best distinct member sets are kept at each size (ties: better parent, then
 * lower index) and the best final one is returned in its order of addition.
 */
export function forwardSelect(trueClassProbs: Float32Array[], size: number, options: ForwardSelectOptions = {}): number[] {
  validateSize(size);
  const beamWidth = options.beam ?? 1;
  if (!Number.isInteger(beamWidth) || beamWidth < 1) throw new MetricInputError(`beam must be a positive integer, got ${beamWidth}`);
  const numPoints = validatePool(trueClassProbs);
  const targetSize = Math.min(size, trueClassProbs.length);
  let beam: PartialEnsemble[] = [{ members: [], sum: new Float64Array(numPoints) }];
  for (let count = 0; count < targetSize; count++) beam = extendBeam(trueClassProbs, beam, beamWidth);
  return beam[0]!.members;
}

/** Extends every partial ensemble by one unused member and keeps the best `beamWidth` distinct sets. */
function extendBeam(pool: Float32Array[], beam: PartialEnsemble[], beamWidth: number): PartialEnsemble[] {
  const scale = 1 / (beam[0]!.members.length + 1);
  const extensions: Extension[] = [];
  // Greedy (beam 1) only needs the winner, so hopeless candidates can be abandoned early.
  let bestScore = Infinity;
  for (const [parentRank, parent] of beam.entries()) {
    const used = new Set(parent.members);
    for (let candidate = 0; candidate < pool.length; candidate++) {
      if (used.has(candidate)) continue;
      const score = summedNll(parent.sum, pool[candidate]!, scale, beamWidth === 1 ? bestScore : Infinity);
      if (score === Infinity && beamWidth === 1) continue;
      if (score < bestScore) bestScore = score;
      extensions.push({ parentRank, candidate, score });
    }
  }
  extensions.sort((a, b) => a.score - b.score || a.parentRank - b.parentRank || a.candidate - b.candidate);

  const next: PartialEnsemble[] = [];
  const seenSets = new Set<string>();
  for (const { parentRank, candidate } of extensions) {
    if (next.length === beamWidth) break;
    const parent = beam[parentRank]!;
    const members = [...parent.members, candidate];
    const setKey = [...members].sort((a, b) => a - b).join(',');
    if (seenSets.has(setKey)) continue;
    seenSets.add(setKey);
    const sum = Float64Array.from(parent.sum);
    addInto(sum, pool[candidate]!);
    next.push({ members, sum });
  }
  return next;
}
