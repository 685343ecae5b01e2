/**
 * A tensor of a compiled network: its per-image shape and where its values and gradient live in
 * the kernels' memory, for up to the network's batch capacity. A reshape shares its source's
 * storage, so an alias reads through to the slot it views; so does a fused ReLU (reluOfSource).
 */
export class Slot {
  /** Floats per image. */
  readonly size: number;
  private ownValue = -1;
  private ownGrad = -1;

  constructor(
    /** Per-image dims: [height, width, channels] for images, [features] for vectors. */
    readonly shape: readonly number[],
    /** Whether a gradient flows into this tensor (false for the input images). */
    readonly needsGrad: boolean,
    private readonly source?: Slot,
    /**
     * A view that reads as relu(source): a ReLU whose only readers are convs, which apply it as
     * they read (and mask their input gradient by source > 0) instead of a pass of its own.
     */
    readonly reluOfSource = false,
  ) {
    this.size = shape.reduce((product, dim) => product * dim, 1);
    if (source && source.size !== this.size) throw new Error(`reshape of ${source.size} floats into ${this.size}`);
  }

  /** Byte offset of the values. */
  get value(): number {
    return this.source ? this.source.value : this.ownValue;
  }

  /** Byte offset of the gradient, −1 when none is kept. */
  get grad(): number {
    return this.source ? this.source.grad : this.ownGrad;
  }

  /** The slot that owns the storage (itself unless a view). */
  get root(): Slot {
    return this.source ? this.source.root : this;
  }

  bindValue(offset: number): void {
    this.ownValue = offset;
  }

  bindGrad(offset: number): void {
    this.ownGrad = offset;
  }
}

/** [height, width, channels] of an image slot; throws for vectors. */
export function imageDims(slot: Slot, layerName: string): [number, number, number] {
  if (slot.shape.length !== 3) throw new Error(`${layerName}: expects an image tensor, got shape [${slot.shape.join(', ')}]`);
  return slot.shape as [number, number, number];
}
