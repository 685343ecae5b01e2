import type { SearchResults } from '../run/results-types.js';

/** The end-of-run table: each chosen ensemble and the best single member, on the test split. */
export function printSummary(results: SearchResults): void {
  const rows: string[][] = [['method', 'M', 'severity', 'test NLL', 'error %', 'ECE', 'members (trial ids)']];
  for (const [method, outcome] of Object.entries(results.methods)) {
    for (const ensemble of outcome.ensembles) {
      rows.push([
        method,
        String(ensemble.size),
        String(ensemble.severity),
        ensemble.test.nll.toFixed(4),
        percent(ensemble.test.error),
        ensemble.test.ece.toFixed(4),
        ensemble.members.join(' '),
      ]);
    }
    if (outcome.bestMember) {
      const best = outcome.bestMember;
      rows.push([method, 'best', '0', best.test.nll.toFixed(4), percent(best.test.error), best.test.ece.toFixed(4), `${best.trialId} (${best.genotypeId})`]);
    }
    if (outcome.failed.length > 0) {
      rows.push([method, 'failed', '', '', '', '', outcome.failed.map((f) => `${f.trialId}: ${f.reason}`).join('; ')]);
    }
  }
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  console.log('');
  rows.forEach((row, index) => {
    console.log(row.map((cell, column) => (column >= 2 && column <= 5 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ').trimEnd());
    if (index === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  });
  console.log(`\n${results.seconds.toFixed(0)} s on ${results.workers} worker(s), engine ${results.engine}; "best" = best single network by validation NLL;\nseverity = corruption severity of the test data (0 = clean), ensembles selected on validation data at that severity;\nerror in percent, ECE as a fraction (as in the report; results.json holds fractions throughout)`);
}

function percent(value: number): string {
  return (100 * value).toFixed(2);
}
