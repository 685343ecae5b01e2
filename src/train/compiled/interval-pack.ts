/**
 * Places buffers that are live over intervals of a fixed schedule so that buffers whose lives
 * do not overlap share memory: best fit among freed blocks (coalesced), else the top grows.
 * The compiled network uses it for the gradients of a training step (live from the first
 * backward kernel that writes them to the one that consumes them) and for the values of an
 * inference pass, which would otherwise hold every activation of the network at once.
 */
export interface LiveBuffer {
  /** First and last schedule step (inclusive) at which the buffer is used. */
  start: number;
  end: number;
  floats: number;
}

export interface Packing {
  /** Float offset of each buffer from the start of the pool, in input order. */
  offsets: number[];
  /** Floats the pool needs. */
  floats: number;
}

interface Block {
  offset: number;
  floats: number;
}

export function packIntervals(buffers: readonly LiveBuffer[]): Packing {
  const offsets = new Array<number>(buffers.length).fill(0);
  const order = buffers.map((_, index) => index).sort((a, b) => buffers[a]!.start - buffers[b]!.start || a - b);
  const free: Block[] = [];
  const live: { index: number; block: Block }[] = [];
  let top = 0;
  for (const index of order) {
    const buffer = buffers[index]!;
    for (let i = live.length - 1; i >= 0; i--) {
      if (buffers[live[i]!.index]!.end < buffer.start) {
        release(free, live[i]!.block);
        live.splice(i, 1);
      }
    }
    let best = -1;
    for (let i = 0; i < free.length; i++) {
      if (free[i]!.floats >= buffer.floats && (best < 0 || free[i]!.floats < free[best]!.floats)) best = i;
    }
    let block: Block;
    if (best >= 0) {
      const chosen = free[best]!;
      block = { offset: chosen.offset, floats: buffer.floats };
      if (chosen.floats === buffer.floats) free.splice(best, 1);
      else free[best] = { offset: chosen.offset + buffer.floats, floats: chosen.floats - buffer.floats };
    } else {
      // A free block at the top can be extended instead of leaving it unused.
      const last = free.findIndex((b) => b.offset + b.floats === top);
      const start = last >= 0 ? free[last]!.offset : top;
      if (last >= 0) free.splice(last, 1);
      block = { offset: start, floats: buffer.floats };
      top = start + buffer.floats;
    }
    offsets[index] = block.offset;
    live.push({ index, block });
  }
  return { offsets, floats: top };
}

/** Returns a block to the free list, merged with the free blocks it touches. */
function release(free: Block[], block: Block): void {
  let merged = { ...block };
  for (let touching = touchingIndex(free, merged); touching >= 0; touching = touchingIndex(free, merged)) {
    const other = free[touching]!;
    merged = { offset: Math.min(other.offset, merged.offset), floats: other.floats + merged.floats };
    free.splice(touching, 1);
  }
  free.push(merged);
}

function touchingIndex(free: Block[], block: Block): number {
  return free.findIndex((other) => other.offset + other.floats === block.offset || block.offset + block.floats === other.offset);
}
