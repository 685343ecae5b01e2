/** Layers that only move values: Concatenate, Cropping2D, ZeroPadding2D and Reshape (a view). */
import type { BuildContext } from '../build-context.js';
import { imageDims, type Slot } from '../slot.js';
import { configOf, UnsupportedLayerError, type Compiled, type LayerCompiler } from './types.js';

/** Concatenation along any non-batch axis: per input, `rows` runs of its axis slice, strided in the output. */
export const compileConcatenate: LayerCompiler = (layer, inputs, ctx): Compiled => {
  const rank = inputs[0]!.shape.length;
  const configured = configOf(layer)['axis'] as number;
  const axis = configured < 0 ? rank + configured + 1 : configured;
  if (axis < 1 || axis > rank) throw new UnsupportedLayerError(layer, `axis ${configured}`);
  const dim = axis - 1;
  const outer = inputs[0]!.shape.slice(0, dim).reduce((p, d) => p * d, 1);
  const inner = inputs[0]!.shape.slice(dim + 1).reduce((p, d) => p * d, 1);
  const total = inputs.reduce((sum, x) => sum + (x.shape[dim] as number), 0);
  const shape = [...inputs[0]!.shape];
  shape[dim] = total;
  const y = ctx.slot(shape);
  const k = ctx.kernels;
  const outStride = total * inner;
  let before = 0;
  const parts = inputs.map((x) => {
    const part = { x, rowLength: (x.shape[dim] as number) * inner, at: before * inner * 4 };
    before += x.shape[dim] as number;
    return part;
  });
  return {
    output: y,
    layer: {
      name: layer.name,
      forward(n) {
        for (const { x, rowLength, at } of parts) k.copyRows(x.value, y.value + at, n * outer, rowLength, rowLength, outStride);
      },
      backward(n) {
        for (const { x, rowLength, at } of parts) {
          if (x.grad >= 0) k.accumulateRows(y.grad + at, x.grad, n * outer, rowLength, outStride, rowLength);
        }
      },
    },
  };
};

type Margins = [[number, number], [number, number]];

function marginsOf(value: unknown): Margins {
  if (typeof value === 'number') return [[value, value], [value, value]];
  const [rows, cols] = value as (number | number[])[];
  const pair = (v: number | number[] | undefined): [number, number] => (typeof v === 'number' ? [v, v] : [v?.[0] ?? 0, v?.[1] ?? 0]);
  return [pair(rows), pair(cols)];
}

/**
 * Copies the `inner` window (rows × cols at top, left) between an image and a larger one, per
 * image: `toLarger` pads (small → window of large), otherwise crops (window of large → small).
 */
function windowMover(ctx: BuildContext, large: [number, number, number], small: [number, number, number], top: number, left: number) {
  const [lh, lw, c] = large;
  const [sh, sw] = small;
  const largeSize = lh * lw * c;
  const smallSize = sh * sw * c;
  const corner = (top * lw + left) * c * 4;
  const k = ctx.kernels;
  return {
    toSmall(largeAt: number, smallAt: number, n: number, accumulate: boolean): void {
      const move = accumulate ? k.accumulateRows : k.copyRows;
      for (let b = 0; b < n; b++) move(largeAt + b * largeSize * 4 + corner, smallAt + b * smallSize * 4, sh, sw * c, lw * c, sw * c);
    },
    toLarge(smallAt: number, largeAt: number, n: number, accumulate: boolean): void {
      const move = accumulate ? k.accumulateRows : k.copyRows;
      for (let b = 0; b < n; b++) move(smallAt + b * smallSize * 4, largeAt + b * largeSize * 4 + corner, sh, sw * c, sw * c, lw * c);
    },
  };
}

export const compileCropping2D: LayerCompiler = (layer, [x], ctx): Compiled => {
  const [[top, bottom], [left, right]] = marginsOf(configOf(layer)['cropping']);
  const [h, w, c] = imageDims(x!, layer.name);
  const small: [number, number, number] = [h - top - bottom, w - left - right, c];
  const y = ctx.slot(small);
  const mover = windowMover(ctx, [h, w, c], small, top, left);
  return {
    output: y,
    layer: {
      name: layer.name,
      forward: (n) => mover.toSmall(x!.value, y.value, n, false),
      backward(n) {
        if (x!.grad >= 0) mover.toLarge(y.grad, x!.grad, n, true);
      },
    },
  };
};

export const compileZeroPadding2D: LayerCompiler = (layer, [x], ctx): Compiled => {
  const [[top, bottom], [left, right]] = marginsOf(configOf(layer)['padding']);
  const [h, w, c] = imageDims(x!, layer.name);
  const large: [number, number, number] = [h + top + bottom, w + left + right, c];
  const y = ctx.slot(large);
  const mover = windowMover(ctx, large, [h, w, c], top, left);
  const k = ctx.kernels;
  return {
    output: y,
    layer: {
      name: layer.name,
      forward(n) {
        k.fill(y.value, n * y.size, 0);
        mover.toLarge(x!.value, y.value, n, false);
      },
      backward(n) {
        if (x!.grad >= 0) mover.toSmall(y.grad, x!.grad, n, true);
      },
    },
  };
};

/** A reshape of row-major data moves nothing: the output is a view of the input. */
export const compileReshape: LayerCompiler = (layer, [x], ctx): Compiled => {
  const targetShape = configOf(layer)['targetShape'] as number[];
  const output: Slot = ctx.alias(x!, targetShape.includes(-1) ? inferShape(targetShape, x!.size) : targetShape);
  return { output, layer: { name: layer.name, forward() {}, backward() {} } };
};

function inferShape(target: number[], size: number): number[] {
  const known = target.filter((d) => d !== -1).reduce((p, d) => p * d, 1);
  return target.map((d) => (d === -1 ? size / known : d));
}
