/**
 * The engine vocabulary, without tfjs: config validation (run/), the CLI and the executors name
 * engines without loading one. train/engine.ts says how each engine is loaded; a new engine is
 * added here and there.
 */

/** Every engine, in the order 'auto' tries them. */
export const ENGINE_NAMES = ['tfjs-node-gpu', 'webgpu', 'tfjs-node', 'wasm', 'cpu'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

/** What a user may ask for: one engine, or 'auto' (the first of ENGINE_NAMES that works). */
export const ENGINE_CHOICES = ['auto', ...ENGINE_NAMES] as const;
export type EngineChoice = (typeof ENGINE_CHOICES)[number];

export function isEngineName(value: string): value is EngineName {
  return (ENGINE_NAMES as readonly string[]).includes(value);
}

export function isEngineChoice(value: string): value is EngineChoice {
  return value === 'auto' || isEngineName(value);
}
