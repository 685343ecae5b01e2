import * as tf from '@tensorflow/tfjs';
import { createRng, MAX_SEED, type Rng } from '../../util/rng.js';

/**
 * Hands out layer names and seeded initializers while a network is built. Seeds come from one
 * stream seeded by the model seed, consumed in build order, so the same genotype + seed always
 * gives the same weights.
 */
export class LayerFactory {
  private readonly seeds: Rng;
  private readonly usedNames = new Set<string>();

  constructor(seed: number) {
    this.seeds = createRng(`nes-model-init:${seed}`);
  }

  /** A model-unique layer name (tfjs needs unique names inside one model). */
  name(base: string): string {
    if (this.usedNames.has(base)) throw new Error(`duplicate layer name ${base}`);
    this.usedNames.add(base);
    return base;
  }

  /**
   * PyTorch's default conv/linear init, kaiming_uniform(a=√5): U(−1/√fanIn, 1/√fanIn). The fan-in is
   * given explicitly because tfjs computes depthwise fan-in as if the conv were dense.
   */
  uniformFanIn(fanIn: number): ReturnType<typeof tf.initializers.randomUniform> {
    const limit = 1 / Math.sqrt(fanIn);
    return tf.initializers.randomUniform({ minval: -limit, maxval: limit, seed: this.nextSeed() });
  }

  private nextSeed(): number {
    return 1 + this.seeds.int(MAX_SEED - 1);
  }
}
