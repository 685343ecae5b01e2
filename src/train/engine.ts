/**
 * Picks the tfjs backend that trains fastest on this machine and checks it actually works.
 *
 * Order for 'auto': tfjs-node-gpu, then webgpu on a hardware adapter (never a software fallback
 * such as llvmpipe: forced with 'webgpu' only), then tfjs-node (tfjs-node(-gpu) are optional native
 * packages that register backend 'tensorflow' into the same @tensorflow/tfjs-core when their
 * versions match ours), then wasm (our compiled networks and gradient kernels), then the pure-JS
 * cpu backend.
 *
 * GPU pinning: tfjs-node-gpu (libtensorflow) reads CUDA_VISIBLE_DEVICES once, when it loads, so
 * set it before the process starts, e.g. `CUDA_VISIBLE_DEVICES=1 nes search …`. Changing
 * process.env afterwards has no effect, and all worker threads of one process share the devices
 * it saw; to give workers different GPUs, run separate processes.
 */
import * as tf from '@tensorflow/tfjs';
import { registerGradientOverrides, registerWasmGradients } from './kernels/index.js';
import { ENGINE_NAMES, isEngineChoice, isEngineName, type EngineChoice, type EngineName } from '../util/engine-names.js';
import { describeAdapter, loadWebGpu } from './webgpu.js';

export { ENGINE_CHOICES, ENGINE_NAMES, isEngineChoice, isEngineName, type EngineChoice, type EngineName } from '../util/engine-names.js';

/** The engine initEngine set up, and the device it computes on. */
export interface ActiveEngine {
  engine: EngineName;
  /** The tfjs backend name. */
  backend: string;
  /** The GPU adapter (webgpu), e.g. "nvidia hopper (NVIDIA H200)"; absent for the other engines. */
  device?: string;
}

const TFJS_VERSION = '4.22.0';

interface EngineSpec {
  /** Backend name the engine registers in tfjs-core. */
  backend: string;
  /**
   * Makes the backend available; throws when the engine cannot be loaded. `forced`: the user named
   * this engine (so a software GPU is acceptable). Returns the device, where there is one to name.
   */
  load(forced: boolean): Promise<string | void>;
  /** Shown when a forced engine is unavailable. */
  installHint: string;
}

/** Dynamic import whose specifier TypeScript cannot resolve, so a missing package compiles. */
async function importOptional(packageName: string): Promise<unknown> {
  const specifier: string = packageName;
  return import(specifier);
}

function nativeEngine(packageName: string, extraHint: string): EngineSpec {
  return {
    backend: 'tensorflow',
    async load() {
      await importOptional(packageName);
      if (tf.findBackendFactory('tensorflow') === null) {
        throw new Error(
          `${packageName} loaded but registered no 'tensorflow' backend in this @tensorflow/tfjs-core ` +
            `(its @tensorflow/tfjs version must be ${TFJS_VERSION}, like ours)`,
        );
      }
    },
    installHint: `npm install ${packageName}@${TFJS_VERSION} (${extraHint})`,
  };
}

const engines: Record<EngineName, EngineSpec> = {
  'tfjs-node-gpu': nativeEngine(
    '@tensorflow/tfjs-node-gpu',
    'Linux x64 with an NVIDIA GPU, CUDA 11.2 and cuDNN 8.1; pick the GPU with CUDA_VISIBLE_DEVICES',
  ),
  'tfjs-node': nativeEngine(
    '@tensorflow/tfjs-node',
    'downloads a prebuilt libtensorflow for linux/macOS/windows x64 at install time',
  ),
  webgpu: {
    backend: 'webgpu',
    async load(forced) {
      return describeAdapter(await loadWebGpu(forced));
    },
    installHint:
      `npm install webgpu @tensorflow/tfjs-backend-webgpu@${TFJS_VERSION} (optional dependencies of nes), ` +
      'and on Linux libvulkan1 with your GPU vendor\'s Vulkan driver',
  },
  wasm: {
    backend: 'wasm',
    async load() {
      await import('@tensorflow/tfjs-backend-wasm');
      registerWasmGradients();
    },
    installHint: `npm install @tensorflow/tfjs-backend-wasm@${TFJS_VERSION}`,
  },
  cpu: {
    backend: 'cpu',
    async load() {
      // Registered by @tensorflow/tfjs itself.
    },
    installHint: `npm install @tensorflow/tfjs@${TFJS_VERSION}`,
  },
};

/**
 * A tiny conv forward + backward pass: proves the backend computes, including gradients. Reads
 * with data(), not dataSync(), which webgpu cannot do in Node.
 */
async function smokeTest(): Promise<void> {
  const [sum, gradient] = tf.tidy(() => {
    const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    const filter = tf.ones([2, 2, 1, 1]) as tf.Tensor4D;
    const grad = tf.grad((input: tf.Tensor) => tf.sum(tf.conv2d(input as tf.Tensor4D, filter, 1, 'valid')))(x);
    return [tf.sum(tf.conv2d(x, filter, 1, 'valid')), grad];
  });
  try {
    const ok = (await sum.data())[0] === 10 && (await gradient.data()).every((value) => value === 1);
    if (!ok) throw new Error('smoke test computed wrong values');
  } finally {
    sum.dispose();
    gradient.dispose();
  }
}

async function tryEngine(name: EngineName, forced: boolean): Promise<string | undefined> {
  // Gradient definitions are global in tfjs: ours must be in place on every engine.
  registerGradientOverrides();
  const spec = engines[name];
  const device = (await spec.load(forced)) ?? undefined;
  if (!(await tf.setBackend(spec.backend))) {
    throw new Error(`tf.setBackend('${spec.backend}') failed to initialise the backend`);
  }
  await tf.ready();
  await smokeTest();
  return device;
}

let active: ActiveEngine | null = null;

/** Records `name` as this thread's engine, on the backend tryEngine just set. */
function activate(name: EngineName, device: string | undefined): ActiveEngine {
  active = { engine: name, backend: tf.getBackend(), ...(device ? { device } : {}) };
  return active;
}

/** What initEngine reports while it chooses: an engine it skipped (auto), and the one it took. */
export type EngineEvent =
  | { kind: 'unavailable'; engine: EngineName; reason: string }
  | { kind: 'chosen'; engine: ActiveEngine; automatically: boolean };

/** An EngineEvent as one log line. */
export function describeEngineEvent(event: EngineEvent): string {
  if (event.kind === 'unavailable') return `engine ${event.engine} unavailable: ${event.reason}`;
  const { engine, backend, device } = event.engine;
  return `engine ${engine} (tfjs backend '${backend}'${device ? `, ${device}` : ''})${event.automatically ? ', chosen automatically' : ''}`;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}

function defaultRequest(): EngineChoice {
  const fromEnv = process.env['NES_ENGINE'];
  if (fromEnv === undefined || fromEnv === '') return 'auto';
  if (isEngineChoice(fromEnv)) return fromEnv;
  throw new Error(`NES_ENGINE=${fromEnv} is not one of auto, ${ENGINE_NAMES.join(', ')}`);
}

/** The engine initEngine last set up in this thread, or null when it was never called. */
export function activeEngine(): ActiveEngine | null {
  return active && tf.getBackend() === active.backend ? active : null;
}

/**
 * Selects and initialises the training engine. `requested` defaults to $NES_ENGINE, else 'auto'.
 * A forced engine that cannot run throws an Error that says how to install it.
 */
export async function initEngine(
  requested: EngineChoice = defaultRequest(),
  onEvent?: (event: EngineEvent) => void,
): Promise<ActiveEngine> {
  if (requested !== 'auto') {
    if (!isEngineName(requested)) {
      throw new Error(`unknown engine '${String(requested)}'; use auto, ${ENGINE_NAMES.join(', ')}`);
    }
    let device: string | undefined;
    try {
      device = await tryEngine(requested, true);
    } catch (error) {
      throw new Error(
        `engine '${requested}' is not available: ${errorMessage(error)}. ` +
          `Install it with: ${engines[requested].installHint}`,
      );
    }
    const chosen = activate(requested, device);
    onEvent?.({ kind: 'chosen', engine: chosen, automatically: false });
    return chosen;
  }
  for (const name of ENGINE_NAMES) {
    try {
      const chosen = activate(name, await tryEngine(name, false));
      onEvent?.({ kind: 'chosen', engine: chosen, automatically: true });
      return chosen;
    } catch (error) {
      onEvent?.({ kind: 'unavailable', engine: name, reason: errorMessage(error) });
    }
  }
  throw new Error('no tfjs engine works here: not even the cpu backend initialised');
}
