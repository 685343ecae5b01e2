/**
 * Type-level tools that let the compiler check a hand-written config type against its JSON schema
 * (run/config.ts). ajv's JSONSchemaType<T> cannot do it here: it types the input (every property
 * the user may leave out is optional, and it demands `nullable: true` for those), while NesConfig
 * is the resolved config, whose properties with a schema default are always present, and whose
 * dataset is a union that resolveConfig's cross-field checks establish, not the schema.
 */

/**
 * The value a schema accepts once ajv's useDefaults has filled its defaults, for the subset of
 * JSON Schema nes uses (enum, integer, number, string, boolean, array, object): a property with a
 * default or listed in `required` is present, any other is optional. Anything else is `unknown`,
 * which never matches a real type.
 */
export type ResolvedBySchema<S> = S extends { enum: readonly (infer E)[] }
  ? E
  : S extends { type: 'integer' | 'number' }
    ? number
    : S extends { type: 'string' }
      ? string
      : S extends { type: 'boolean' }
        ? boolean
        : S extends { type: 'array'; items: infer I }
          ? ResolvedBySchema<I>[]
          : S extends { type: 'object'; properties: infer P }
            ? ResolvedObject<P, S extends { required: readonly (infer R)[] } ? R : never>
            : unknown;

type Present<P, K extends keyof P, Required> = K extends Required ? true : P[K] extends { default: unknown } ? true : false;

type ResolvedObject<P, Required> = Simplify<
  { -readonly [K in keyof P as Present<P, K, Required> extends true ? K : never]: ResolvedBySchema<P[K]> } & {
    -readonly [K in keyof P as Present<P, K, Required> extends true ? never : K]?: ResolvedBySchema<P[K]>;
  }
>;

type Simplify<T> = { [K in keyof T]: T[K] };

/**
 * `never` when A and B have the same shape (same keys, same optionality, mutually assignable
 * values, recursively); otherwise the JSON paths where they differ, e.g. "/execution/workers".
 */
export type Mismatch<A, B, Path extends string = ''> = [A, B] extends [readonly (infer X)[], readonly (infer Y)[]]
  ? Mismatch<X, Y, `${Path}[]`>
  : [A, B] extends [object, object]
    ? [A] extends [readonly unknown[]]
      ? Path
      : [B] extends [readonly unknown[]]
        ? Path
        : ObjectMismatch<A, B, Path>
    : [A] extends [B]
      ? [B] extends [A]
        ? never
        : Path
      : Path;

type ObjectMismatch<A, B, Path extends string> = {
  [K in keyof A | keyof B]: K extends string
    ? K extends keyof A
      ? K extends keyof B
        ? IsOptional<A, K> extends IsOptional<B, K>
          ? Mismatch<Exclude<A[K], undefined>, Exclude<B[K], undefined>, `${Path}/${K}`>
          : `${Path}/${K}`
        : `${Path}/${K}`
      : `${Path}/${K}`
    : never;
}[keyof A | keyof B];

type IsOptional<T, K extends keyof T> = {} extends Pick<T, K> ? true : false;

/**
 * A union of object types as one object type: every key of any member, with the union of its
 * types; required only where every member requires it. What a flat schema of a union looks like.
 */
export type MergedUnion<U> = Simplify<
  { [K in KeysOfUnion<U> as 'optional' extends Presence<U, K> ? never : K]: ValueOfUnion<U, K> } & {
    [K in KeysOfUnion<U> as 'optional' extends Presence<U, K> ? K : never]?: Exclude<ValueOfUnion<U, K>, undefined>;
  }
>;

type KeysOfUnion<U> = U extends unknown ? keyof U : never;
type ValueOfUnion<U, K extends PropertyKey> = U extends unknown ? (K extends keyof U ? U[K] : never) : never;
type Presence<U, K extends PropertyKey> = U extends unknown ? (K extends keyof U ? ({} extends Pick<U, K> ? 'optional' : 'required') : 'optional') : never;

/** Fails to compile unless T is never; the error names T, i.e. the paths of a Mismatch. */
export type Expect<T extends never> = T;
