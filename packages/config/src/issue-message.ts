import type { z } from 'zod';
import type { KeyPath } from './yaml-source';

/** `a string`, `a list`, `null`...: the type of a value, never the value itself (it could be a key). */
const typeName = (value: unknown): string =>
  value === undefined
    ? 'nothing'
    : value === null
      ? 'null'
      : Array.isArray(value)
        ? 'a list'
        : typeof value === 'object'
          ? 'a mapping'
          : `a ${typeof value}`;

/** Zod's `expected` names in words. */
const expectedName: Record<string, string> = { array: 'a list', object: 'a mapping', nonoptional: 'a value' };

/** The value at `path` inside `data`, or `undefined`. */
export function valueAt(data: unknown, path: KeyPath): unknown {
  let value = data;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[part];
  }
  return value;
}

/** The message for one zod issue: what was expected and what type was found, never the value. */
export function issueMessage(issue: z.core.$ZodIssue, value: unknown, path: KeyPath): string {
  if (issue.code !== 'invalid_type') return issue.message;
  if (issue.expected === 'int') return 'must be a whole number';
  if (issue.expected === 'number' && typeof value === 'number') {
    const spelled = Number.isNaN(value) ? '.nan' : value > 0 ? '.inf' : '-.inf';
    return `must be a finite number, not ${spelled}`;
  }
  if (value === undefined && path.at(-1) === 'model') {
    return 'is required (write `model: ~` to send the requested name as the model)';
  }
  if (value === undefined) return 'is required';
  return `expected ${expectedName[issue.expected] ?? `a ${issue.expected}`}, got ${typeName(value)}`;
}
