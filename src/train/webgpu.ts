/**
 * The WebGPU engine: tfjs-backend-webgpu on Dawn's Node bindings (npm package `webgpu`), so any
 * Vulkan, Metal or D3D12 GPU trains without CUDA or a native tfjs build. Both packages are optional
 * dependencies, imported only when this engine is tried.
 *
 * Three things about WebGPU in Node shape this file:
 * - tfjs-backend-webgpu registers its backend at import time only if `navigator.gpu` exists, so
 *   Dawn's GPU object goes onto globalThis before that import.
 * - WebGPU errors never throw: a shader that fails validation prints a warning and the dispatch
 *   writes nothing, so training would go on with zeros (a rank-6 pad did exactly that: loss 229.8
 *   after one step instead of 1.97). `checkedGpuWork` turns them into exceptions.
 * - `dataSync()` needs OffscreenCanvas in Node: every read on this backend is `await data()`.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';

/** What requestAdapter() found; a fallback adapter is a CPU emulation (e.g. Mesa's llvmpipe). */
export interface GpuAdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
}

/** A WebGPU error (validation, out-of-memory, internal) raised while computing on the GPU. */
export class WebGpuError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebGpuError';
  }
}

interface DawnModule {
  create(flags: string[]): GPU;
  globals: Record<string, unknown>;
}

let gpu: GPU | null = null;

/**
 * Dawn's flags: $NES_WEBGPU_ADAPTER picks an adapter by name when a machine has several GPUs
 * (an unknown name makes Dawn list the adapters it sees); $NES_WEBGPU_BACKEND a Dawn backend
 * (vulkan, metal, d3d12, opengl).
 */
function dawnFlags(): string[] {
  const flags: string[] = [];
  const adapter = process.env['NES_WEBGPU_ADAPTER'];
  const backend = process.env['NES_WEBGPU_BACKEND'];
  if (adapter) flags.push(`adapter=${adapter}`);
  if (backend) flags.push(`backend=${backend}`);
  return flags;
}

/** file: URL of the `webgpu` package (for the probe's child process); throws when it is not installed. */
function dawnModuleUrl(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('webgpu')).href;
}

async function navigatorGpu(): Promise<GPU> {
  if (gpu !== null) return gpu;
  // Literal specifiers (here and for tfjs-backend-webgpu below), so that a bundler of dist
  // (bench/gpu/) includes both, with the one tfjs-core the rest of nes uses.
  const dawn = (await import('webgpu')) as unknown as DawnModule;
  Object.assign(globalThis, dawn.globals);
  const created = dawn.create(dawnFlags());
  const existing = (globalThis as { navigator?: object }).navigator;
  if (existing === undefined) {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu: created }, configurable: true, writable: true });
  } else {
    Object.defineProperty(existing, 'gpu', { value: created, configurable: true });
  }
  gpu = created;
  return created;
}

function summarize(adapter: GPUAdapter): GpuAdapterSummary {
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const legacyFallback = (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter;
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    isFallbackAdapter: Boolean(info.isFallbackAdapter ?? legacyFallback),
  };
}

/** The adapter tfjs-backend-webgpu will get (it asks for 'high-performance'), or null if none. */
export async function probeAdapter(): Promise<GpuAdapterSummary | null> {
  const adapter = await (await navigatorGpu()).requestAdapter({ powerPreference: 'high-performance' });
  return adapter === null ? null : summarize(adapter);
}

/**
 * probeAdapter in a child process, for 'auto' on machines that may have no usable GPU: Dawn's
 * warnings (e.g. "vkCreateInstance failed" without a Vulkan driver) stay out of the user's
 * terminal, a crashing driver cannot take nes down, and Dawn is loaded into nes only if it will
 * be used. About 0.3 s.
 */
export function probeAdapterIsolated(): GpuAdapterSummary | null {
  // The child runs summarize itself (its compiled source: a self-contained function).
  const script = `
    const { create, globals } = await import(${JSON.stringify(dawnModuleUrl())});
    Object.assign(globalThis, globals);
    const adapter = await create(${JSON.stringify(dawnFlags())}).requestAdapter({ powerPreference: 'high-performance' });
    const summarize = ${summarize.toString()};
    process.stdout.write(JSON.stringify(adapter ? summarize(adapter) : null));
    process.exit(0);`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  if (child.status !== 0) {
    const reason = child.error?.message ?? (child.signal ? `killed by ${child.signal}` : `exit code ${child.status}`);
    const detail = child.stderr.split('\n').find((line) => /error/i.test(line)) ?? '';
    throw new Error(`the WebGPU adapter probe failed (${reason})${detail ? `: ${detail.trim()}` : ''}`);
  }
  return JSON.parse(child.stdout) as GpuAdapterSummary | null;
}

/** "nvidia hopper (NVIDIA H200)"-style one-line name of an adapter. */
export function describeAdapter(adapter: GpuAdapterSummary): string {
  const name = [adapter.vendor, adapter.architecture].filter(Boolean).join(' ') || 'unknown vendor';
  const detail = adapter.description || adapter.device;
  return `${name}${detail ? ` (${detail})` : ''}${adapter.isFallbackAdapter ? ', software fallback adapter' : ''}`;
}

/**
 * Makes the 'webgpu' backend available. With `allowFallback` false a software adapter is refused,
 * so 'auto' never trains on a CPU emulation of a GPU.
 */
export async function loadWebGpu(allowFallback: boolean): Promise<GpuAdapterSummary> {
  const check = (adapter: GpuAdapterSummary | null): GpuAdapterSummary => {
    if (adapter === null) {
      throw new Error('no WebGPU adapter: install libvulkan1 and your GPU vendor\'s Vulkan driver (Linux), or check the GPU driver');
    }
    if (adapter.isFallbackAdapter && !allowFallback) {
      throw new Error(`only a software fallback adapter is present (${describeAdapter(adapter)}); force it with --backend webgpu`);
    }
    return adapter;
  };
  if (!allowFallback && gpu === null) check(probeAdapterIsolated());
  const adapter = check(await probeAdapter());
  await import('@tensorflow/tfjs-backend-webgpu');
  if (tf.findBackendFactory('webgpu') === null) {
    throw new Error('@tensorflow/tfjs-backend-webgpu loaded but registered no webgpu backend in this @tensorflow/tfjs-core');
  }
  return adapter;
}

interface WebGpuBackendLike {
  device: GPUDevice;
}

/** The GPUDevice of the active tfjs backend, or null when the backend is not webgpu. */
export function activeGpuDevice(): GPUDevice | null {
  if (tf.getBackend() !== 'webgpu') return null;
  return (tf.backend() as unknown as WebGpuBackendLike).device;
}

const ERROR_FILTERS: GPUErrorFilter[] = ['validation', 'out-of-memory', 'internal'];

interface CommandQueueOwner {
  commandEncoder: GPUCommandEncoder | null;
  endComputePassEncoder(): void;
  submitQueue(): void;
}

/**
 * Submits what tfjs has recorded but not yet submitted (it batches 15 dispatches per submit), so
 * that errors in those commands land in the error scopes still open.
 */
function flushRecordedCommands(): void {
  const backend = tf.backend() as unknown as CommandQueueOwner;
  if (backend.commandEncoder === null || backend.commandEncoder === undefined) return;
  backend.endComputePassEncoder();
  backend.submitQueue();
}

/**
 * Runs `work` (which must await its results, so the GPU has run it) and throws a WebGpuError if
 * the GPU reported any error meanwhile. On other backends it just runs `work`.
 */
export async function checkedGpuWork<T>(what: string, work: () => Promise<T>): Promise<T> {
  const device = activeGpuDevice();
  if (device === null) return work();
  for (const filter of ERROR_FILTERS) device.pushErrorScope(filter);
  let result: T;
  try {
    result = await work();
  } finally {
    flushRecordedCommands();
    const errors: GPUError[] = [];
    // Scopes pop innermost first; all must be popped even if work threw.
    for (let i = 0; i < ERROR_FILTERS.length; i++) {
      const error = await device.popErrorScope();
      if (error !== null) errors.push(error);
    }
    if (errors.length > 0) {
      const first = errors[0]!.message.split('\n').find((line) => line.trim() !== '') ?? errors[0]!.message;
      throw new WebGpuError(`WebGPU error in ${what}: ${first.trim()} (its results are invalid, so this work stopped)`);
    }
  }
  return result;
}
