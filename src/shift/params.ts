/** Typed access to one severity's parameters, with errors that name the missing key. */
import type { SeverityParams } from './types.js';

export function numberParam(params: SeverityParams, name: string): number {
  const value = params[name];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new TypeError(`parameter "${name}" must be a number, got ${JSON.stringify(value)}`);
  return value;
}

export function stringParam(params: SeverityParams, name: string): string {
  const value = params[name];
  if (typeof value !== 'string') throw new TypeError(`parameter "${name}" must be a string, got ${JSON.stringify(value)}`);
  return value;
}

export function listParam(params: SeverityParams, name: string): readonly number[] {
  const value = params[name];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'number')) {
    throw new TypeError(`parameter "${name}" must be a list of numbers, got ${JSON.stringify(value)}`);
  }
  return value as readonly number[];
}
