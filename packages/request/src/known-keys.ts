import type { BodyParams, KeysOf } from './body-params';
import type { MaxllmOptions } from './types';

/** Every key a request may hold: a MaxLLM option or a body parameter of one of the endpoints. */
export type RequestKey = keyof MaxllmOptions | keyof BodyParams;

/**
 * For a generic parameter inferred from an object literal (`complete<R>(request: R & NoUnknownKeys<R>)`), where
 * TypeScript does no excess-property check of its own: each key of `T` that is not in `Known` must be absent, so a
 * misspelt or Python-style key (`focre`, `system_prompt`) is a compile error at that key. Strings pass as they are.
 */
export type NoUnknownKeys<T, Known extends PropertyKey = RequestKey> = [
  Exclude<T extends object ? KeysOf<T> : never, Known>,
] extends [never]
  ? unknown
  : { [K in Exclude<T extends object ? KeysOf<T> : never, Known>]?: never };
