/**
 * Corruption throughput: 10,000 seeded random 32×32×3 images, severity 3, each of the 15
 * CIFAR-10-C test kinds in turn. Prints one JSON line per kind, then the summary line.
 * Args: [--images N] [--severity S] [--suite test|validation|path].
 */
import { corruptBatch, createCorruptionRng, loadSuite } from '../src/shift/index.js';
import type { Severity } from '../src/shift/index.js';

function option(args: string[], name: string, fallback: string): string {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && at + 1 < args.length ? args[at + 1]! : fallback;
}

export async function run(args: string[]): Promise<void> {
  const count = Number(option(args, 'images', '10000'));
  const severity = Number(option(args, 'severity', '3')) as Severity;
  const suite = loadSuite(option(args, 'suite', 'test'));
  const [height, width, channels] = [32, 32, 3];
  const rng = createCorruptionRng('bench-corrupt');
  const images = Uint8Array.from({ length: count * height * width * channels }, () => Math.floor(rng() * 256));
  const batch = { images, count, height, width, channels };
  const secondsPerKind: Record<string, number> = {};
  let secondsTotal = 0;
  for (const kind of suite.kinds) {
    const start = performance.now();
    corruptBatch(batch, { suite, severity, seed: 0, kind });
    const seconds = (performance.now() - start) / 1000;
    secondsPerKind[kind] = Number(seconds.toFixed(3));
    secondsTotal += seconds;
    console.log(JSON.stringify({ kind, images: count, seconds: secondsPerKind[kind], imagesPerSecond: Math.round(count / seconds) }));
  }
  console.log(JSON.stringify({ bench: 'corrupt', images: count, secondsPerKind, secondsTotal: Number(secondsTotal.toFixed(3)) }));
}
