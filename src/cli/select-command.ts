import { trueClassProbabilities } from '../ensemble/forward-select.js';
import { SELECTION_METHODS, isSelectionMethod, select, selectsWithReplacement } from '../ensemble/select.js';
import { evaluateEnsemble } from '../evaluate/ensemble-metrics.js';
import { intFlag, parseFlags, requireFlag } from './args.js';
import { readLabels, readProbabilities } from './npy-inputs.js';
import { UsageError } from './usage-error.js';

export const selectHelp = `Usage: nes select --pool P.npy --labels Y.npy --size M [--method forward|caruana|top] [--beam B] [--bins 15]

Ensemble selection for any pool of predictions. P holds K members' probabilities, shape (K, N, C)
(float32 or float64); Y the N true labels. Prints JSON: the chosen member indices in order of
selection (and per-member weights for caruana) and the ensemble's NLL, error and ECE on that data.
Ties are broken by the lower index. "size" is the ensemble's size: with forward and top at most K
(a larger --size is reported as "requestedSize"). Every row of P must sum to 1 (probabilities,
not logits).

  --method forward   greedy forward selection without replacement (NES's ForwardSelect; default)
           caruana   Caruana selection with replacement (members get weights)
           top       the M members with the lowest single-model NLL
  --beam B           beam width of forward selection (default 1)
  --bins N           ECE bins (default 15)`;

export async function selectCommand(args: string[]): Promise<number> {
  const flags = parseFlags('select', args, {
    pool: { type: 'string' },
    labels: { type: 'string' },
    size: { type: 'string' },
    method: { type: 'string' },
    beam: { type: 'string' },
    bins: { type: 'string' },
  });
  if (flags.help) {
    console.log(selectHelp);
    return 0;
  }
  const size = intFlag('select', 'size', requireFlag('select', flags, 'size'))!;
  const method = flags.method ?? 'forward';
  if (!isSelectionMethod(method)) {
    throw new UsageError(`nes select: --method "${method}" is not known; use ${SELECTION_METHODS.slice(0, -1).join(', ')} or ${SELECTION_METHODS.at(-1)}`);
  }
  const beam = intFlag('select', 'beam', flags.beam) ?? 1;
  const bins = intFlag('select', 'bins', flags.bins) ?? 15;
  const { members, count, classes } = readProbabilities(requireFlag('select', flags, 'pool'), { pool: true });
  const labels = readLabels(requireFlag('select', flags, 'labels'), count, classes);
  const trueProbs = members.map((probs) => trueClassProbabilities(probs, labels, classes));

  // Without replacement at most K members can be chosen; with replacement (caruana) any number of picks.
  const withReplacement = selectsWithReplacement(method);
  const returned = withReplacement ? size : Math.min(size, members.length);
  if (returned < size) console.error(`nes select: the pool has ${members.length} members, so the ensemble has ${returned}, not ${size}`);
  const { members: chosen, weights } = select(method, trueProbs, returned, { beam });
  // With replacement the chosen list repeats members, which weights them by their counts.
  const metrics = evaluateEnsemble(
    chosen.map((index) => members[index]!),
    labels,
    classes,
    { bins },
  );
  const output = {
    method,
    size: returned,
    ...(returned < size ? { requestedSize: size } : {}),
    ...(method === 'forward' ? { beam } : {}),
    members: chosen,
    ...(withReplacement ? { weights } : {}),
    nll: metrics.nll,
    error: metrics.error,
    ece: metrics.ece,
  };
  console.log(JSON.stringify(output));
  return 0;
}
