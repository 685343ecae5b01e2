/** (f) How the members trained: their loss curves and what each one cost. */
import { escapeHtml } from './html.js';
import { figure, note, type ReportContext } from './sections.js';
import { lossCurveSpec, memberTimeSpec, type LossPoint, type MemberTime } from './training-charts.js';
import { renderVegaLite } from './vega-svg.js';

export async function trainingSection(ctx: ReportContext): Promise<string> {
  // A multi-fidelity leg's curve holds its own epochs only: it is drawn where its network's
  // training was, continuing the line of the legs before it.
  const points: LossPoint[] = ctx.methods.flatMap((method) =>
    (ctx.trials.get(method) ?? []).flatMap(({ trial, lossCurve = [] }) => {
      const network = trial.origin.source === 'promotion' ? trial.origin.network : trial.id;
      const start = trial.fidelity ? trial.fidelity.epochs - lossCurve.length : 0;
      return lossCurve.map((loss, index) => ({ method, trial: network, epoch: start + index + 1, loss }));
    }),
  );
  const times: MemberTime[] = ctx.methods.flatMap((method) =>
    ctx.results.methods[method]!.pool.map((m) => ({ method, trial: m.trialId, trainSeconds: m.seconds, predictSeconds: m.predictSeconds ?? 0 })),
  );
  const finite = points.filter((p) => Number.isFinite(p.loss));
  const loss =
    finite.length === 0
      ? note('No loss curves: no network has finished training (the journal records each one as it finishes).')
      : figure('loss-curves', await renderVegaLite(lossCurveSpec(finite, ctx.methods)), 'Mean training loss of each epoch, as the journal recorded it when the network finished.')
  const total = times.reduce((sum, t) => sum + t.trainSeconds + t.predictSeconds, 0);
  const time =
    times.length === 0
      ? note('No network has finished yet.')
      : figure(
          'member-time',
          await renderVegaLite(memberTimeSpec(times, ctx.methods)),
          escapeHtml(`${times.length} networks, ${(total / 60).toFixed(1)} min of worker time in all (training + predicting), ${(total / times.length).toFixed(1)} s each on average.`),
        );
  return `<section id="training"><h2>(f) Training</h2>${loss}${time}</section>`;
}
