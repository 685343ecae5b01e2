import { join } from 'node:path';
import { predictionsFile } from '../run/member-layout.js';

/** The single-file HTML report, the one file of a run folder that report/ writes (run/ owns the rest). */
export function reportPath(runDir: string): string {
  return join(runDir, 'report.html');
}
