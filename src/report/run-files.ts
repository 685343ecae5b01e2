import { join } from 'node:path';
import { predictionsFile } from '../run/member-layout.js';

/**
 * Where a run keeps what the report reads besides results.json.
 * Severity 0 predictions are the members' test.npy; shifted ones test-severity-<s>.npy beside it.
 */
export function testPredictionsPath(memberDir: string, severity: number): string {
  return join(memberDir, predictionsFile('test', severity));
}

/** The same for the validation split (a partial report selects ensembles on it). */
export function validationPredictionsPath(memberDir: string, severity: number): string {
  return join(memberDir, predictionsFile('validation', severity));
}

/** True test labels, uint8 (N,), when the run stored them; otherwise the report reloads the dataset. */
export function testLabelsPath(runDir: string): string {
  return join(runDir, 'labels', 'test.npy');
}

/** The single-file HTML report. */
export function reportPath(runDir: string): string {
  return join(runDir, 'report.html');
}
