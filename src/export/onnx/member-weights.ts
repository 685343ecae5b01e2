/**
 * The trained weights of one member, handed out by tfjs layer name as the ONNX graph is built.
 * Each weight must be taken exactly once with the shape the genotype implies: a mismatch means the
 * saved model is not the network of its genotype (an edited or foreign model folder).
 */
import type { WeightTensor } from '../../train/model-weights.js';
import { EnsembleInputError } from '../errors.js';

export class MemberWeights {
  private readonly used = new Set<string>();

  /** `source` names the model folder in error messages. */
  constructor(
    private readonly weights: Map<string, WeightTensor>,
    private readonly source: string,
  ) {}

  /** Weight `weight` of layer `layer` (e.g. "stem_conv", "kernel"), checked against `shape`. */
  take(layer: string, weight: string, shape: readonly number[]): Float32Array {
    const name = `${layer}/${weight}`;
    const tensor = this.weights.get(name);
    if (tensor === undefined) throw this.mismatch(`has no weight ${name}`);
    if (this.used.has(name)) throw new Error(`weight ${name} taken twice`);
    if (tensor.shape.join(',') !== shape.join(',')) throw this.mismatch(`has ${name} of shape [${tensor.shape.join(', ')}], the genotype needs [${shape.join(', ')}]`);
    this.used.add(name);
    return tensor.values;
  }

  /** Throws unless every weight of the model went into the graph. */
  assertAllUsed(): void {
    const unused = [...this.weights.keys()].filter((name) => !this.used.has(name));
    if (unused.length > 0) throw this.mismatch(`has weights its genotype does not use: ${unused.slice(0, 5).join(', ')}${unused.length > 5 ? ' …' : ''}`);
  }

  private mismatch(what: string): EnsembleInputError {
    return new EnsembleInputError(`${this.source}: the model ${what}; it is not the network of its genotype and macro settings (results.json)`);
  }
}
