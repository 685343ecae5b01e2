import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NesConfig, SchemaConfig } from '../../src/run/config.js';
import type { Expect, MergedUnion, Mismatch } from '../../src/run/schema-types.js';
import type { DatasetConfig } from '../../src/data/configured-dataset.js';

// src/run/config.ts fails to compile when NesConfig and the schema differ. These lines prove the
// check is not vacuous: each @ts-expect-error needs the mismatch it names to be reported.
type Config = Omit<NesConfig, 'dataset'> & { dataset: MergedUnion<DatasetConfig> };
type Schema = Omit<SchemaConfig, '$schema'>;
type _Same = Expect<Mismatch<Schema, Config>>;
// @ts-expect-error a setting missing from the type
type _Missing = Expect<Mismatch<Schema, Omit<Config, 'seed'>>>;
// @ts-expect-error a setting only the type has
type _Extra = Expect<Mismatch<Schema, Config & { colour?: string }>>;
// @ts-expect-error an optional setting made required
type _Optional = Expect<Mismatch<Schema, Omit<Config, 'execution'> & { execution: Config['execution'] & { workers: number } }>>;
// @ts-expect-error another enum
type _Enum = Expect<Mismatch<Schema, Omit<Config, 'execution'> & { execution: Omit<Config['execution'], 'executor'> & { executor: 'local' } }>>;
// @ts-expect-error another item type
type _Items = Expect<Mismatch<Schema, Omit<Config, 'ensembleSizes'> & { ensembleSizes: string[] }>>;

const paths: Mismatch<{ a: { b?: number; c: string } }, { a: { b: number; c: string; d?: boolean } }>[] = ['/a/b', '/a/d'];

test('the config type check reports the JSON paths where type and schema differ', () => {
  assert.deepEqual(paths, ['/a/b', '/a/d']);
});
