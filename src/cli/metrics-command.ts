import { evaluateEnsemble } from '../evaluate/ensemble-metrics.js';
import { averageProbs, reliability } from '../evaluate/metrics.js';
import { intFlag, parseFlags, requireFlag } from './args.js';
import { readLabels, readProbabilities } from './npy-inputs.js';

export const metricsHelp = `Usage: nes metrics --probs P.npy --labels Y.npy [--bins 15]

Prints JSON metrics of predictions. P is (N, C) probabilities of one model, or (M, N, C) of an
ensemble's members (the ensemble = their average); Y holds the N true labels.
Always: nll, error, ece (equal-width bins, top-label), brier and reliability-diagram data.
For (M, N, C) also: oracle NLL, average member NLL/error/ECE, pairwise disagreement (plain and
normalised), the ambiguity term, and each member's metrics.`;

export async function metricsCommand(args: string[]): Promise<number> {
  const flags = parseFlags('metrics', args, {
    probs: { type: 'string' },
    labels: { type: 'string' },
    bins: { type: 'string' },
  });
  if (flags.help) {
    console.log(metricsHelp);
    return 0;
  }
  const bins = intFlag('metrics', 'bins', flags.bins) ?? 15;
  const { members, count, classes } = readProbabilities(requireFlag('metrics', flags, 'probs'));
  const labels = readLabels(requireFlag('metrics', flags, 'labels'), count, classes);
  const metrics = evaluateEnsemble(members, labels, classes, { bins });
  const mean = members.length === 1 ? members[0]! : averageProbs(members);
  const single = members.length === 1;
  console.log(
    JSON.stringify({
      points: count,
      classes,
      members: members.length,
      bins,
      nll: metrics.nll,
      error: metrics.error,
      ece: metrics.ece,
      brier: metrics.brier,
      ...(single
        ? {}
        : {
            oracleNll: metrics.oracleNll,
            avgMemberNll: metrics.avgMemberNll,
            avgMemberError: metrics.avgMemberError,
            avgMemberEce: metrics.avgMemberEce,
            disagreement: metrics.disagreement,
            normalizedDisagreement: metrics.normalizedDisagreement,
            ambiguity: metrics.ambiguity,
            memberMetrics: metrics.members,
          }),
      reliability: reliability(mean, labels, classes, bins),
    }),
  );
  return 0;
}
