/** ReLU and Add. */
import type { Compiled, LayerCompiler } from './types.js';

/** Layers that can read a ReLU's output as relu(input) themselves (their kernels have a fused variant). */
const RELU_FUSING_LAYERS: ReadonlySet<string> = new Set(['Conv2D', 'SeparableConv2D']);

export const compileReLU: LayerCompiler = (layer, [x], ctx, readers): Compiled => {
  if (readers.length > 0 && readers.every((reader) => RELU_FUSING_LAYERS.has(reader.getClassName())) && !x!.reluOfSource) {
    return { output: ctx.reluView(x!), layer: { name: layer.name, forward() {}, backward() {} } };
  }
  const y = ctx.slot(x!.shape);
  const k = ctx.kernels;
  return {
    output: y,
    layer: {
      name: layer.name,
      forward(n) {
        k.relu(x!.value, y.value, n * y.size);
      },
      backward(n) {
        // x > 0 exactly where y > 0: the input decides.
        if (x!.grad >= 0) k.reluBackprop(x!.value, y.grad, x!.grad, n * y.size);
      },
    },
  };
};

export const compileAdd: LayerCompiler = (layer, inputs, ctx): Compiled => {
  const [first, second, ...rest] = inputs;
  const y = ctx.slot(first!.shape);
  const k = ctx.kernels;
  return {
    output: y,
    layer: {
      name: layer.name,
      forward(n) {
        const length = n * y.size;
        if (second === undefined) k.copyRows(first!.value, y.value, 1, length, length, length);
        else k.add(first!.value, second.value, y.value, length);
        for (const x of rest) k.accumulate(x.value, y.value, length);
      },
      backward(n) {
        for (const x of inputs) if (x.grad >= 0) k.accumulate(y.grad, x.grad, n * y.size);
      },
    },
  };
};
