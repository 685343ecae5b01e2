import { exportEnsemble } from '../export/export-ensemble.js';
import { EXPORT_FORMATS, type ExportFormat } from '../export/manifest.js';
import { findRun } from '../run/run-folder.js';
import { intFlag, parseFlags, requireFlag } from './args.js';
import { UsageError } from './usage-error.js';

export const exportHelp = `Usage: nes export --run RUN --out DIR [--method M] [--size N] [--severity S] [--format tfjs|onnx|tfjs,onnx] [--runs-dir runs]

Writes a chosen ensemble of a finished run as a self-contained folder: members/<i>/model.json +
weights.bin (tfjs layers models) and ensemble.json (genotypes, weights, input shape, normalisation,
class names, training config, and the metrics it was selected with). Load it with
loadEnsemble(DIR) or "nes predict --model DIR". With --format onnx: members/<i>/model.onnx and
ensemble.onnx (raw images in; mean and member probabilities, entropy, mutual information out),
for ONNX Runtime (opset 17).

  --run RUN        the run: its id (a folder under --runs-dir) or its folder (runs/<id>, a path)
  --out DIR        folder to create (must not exist, or be empty)
  --method M       search method whose ensemble to export
  --size N         ensemble size M
                   (what is not given: the ensemble with the best validation NLL)
  --severity S     shift severity the ensemble was chosen for (default: 0, clean)
  --format F       tfjs (default), onnx, or tfjs,onnx for both
  --onnx-input T   element type of ensemble.onnx's raw-pixel input: uint8 (default) or float32
  --runs-dir DIR   where run folders are (default: runs)`;

export async function exportCommand(args: string[]): Promise<number> {
  const flags = parseFlags('export', args, {
    run: { type: 'string' },
    out: { type: 'string' },
    method: { type: 'string' },
    size: { type: 'string' },
    severity: { type: 'string' },
    format: { type: 'string' },
    'onnx-input': { type: 'string' },
    'runs-dir': { type: 'string' },
  });
  if (flags.help) {
    console.log(exportHelp);
    return 0;
  }
  const out = requireFlag('export', flags, 'out');
  const run = findRun(requireFlag('export', flags, 'run'), flags['runs-dir']);
  const formats = formatFlag(flags.format);
  if (flags['onnx-input'] !== undefined && !formats?.includes('onnx')) {
    throw new UsageError('nes export: --onnx-input sets the input of ensemble.onnx; add --format onnx (or tfjs,onnx)');
  }
  const manifest = await exportEnsemble(run.dir, {
    out,
    method: flags.method,
    size: intFlag('export', 'size', flags.size),
    severity: intFlag('export', 'severity', flags.severity, 0),
    formats,
    onnxInput: onnxInputFlag(flags['onnx-input']),
  });
  const { source, metrics, members } = manifest;
  console.log(
    `exported ${source.method} ensemble of size ${source.size} (${members.length} distinct members, ${source.selection} selection, severity ${source.severity}) to ${flags.out}`,
  );
  if (flags.method === undefined || flags.size === undefined) {
    console.log(
      `chosen as the best validation NLL (${metrics.validation.nll.toFixed(4)}) of the run's ensembles at severity ${source.severity}` +
        `${flags.method === undefined ? '' : ` of ${source.method}`}${flags.size === undefined ? '' : ` of size ${source.size}`}; pick another with --method and --size`,
    );
  }
  if (manifest.onnx) console.log(`ONNX (opset ${manifest.onnx.opset}): ${manifest.onnx.ensemble.path} and ${manifest.onnx.members.length} member models`);
  console.log(`test NLL ${metrics.test.nll.toFixed(4)}, error ${(100 * metrics.test.error).toFixed(2)} %, ECE ${metrics.test.ece.toFixed(4)}`);
  return 0;
}

function formatFlag(value: string | undefined): ExportFormat[] | undefined {
  if (value === undefined) return undefined;
  const formats = value.split(',').map((part) => part.trim());
  const unknown = formats.filter((format) => !(EXPORT_FORMATS as readonly string[]).includes(format));
  if (unknown.length > 0 || formats.length === 0) {
    throw new UsageError(`nes export: --format expects tfjs, onnx or tfjs,onnx, got "${value}"`);
  }
  return formats as ExportFormat[];
}

function onnxInputFlag(value: string | undefined): 'uint8' | 'float32' | undefined {
  if (value === undefined || value === 'uint8' || value === 'float32') return value;
  throw new UsageError(`nes export: --onnx-input expects uint8 or float32, got "${value}"`);
}
