import type { BatchResult } from '@maxllm/batch';
import { errorRecord } from './error-record';

/** What a batch request remembers of its input line (stored as the request's `meta`). */
export interface LineMeta {
  /** 0-based physical line number in the input file. */
  index: number;
  /** The line's own `id` (or `custom_id`), when it had one. */
  id?: unknown;
}

/** The {@link LineMeta} in a request's `meta`, or undefined when it holds none (a workspace made by the library). */
export function lineMeta(meta: unknown): LineMeta | undefined {
  if (meta === null || typeof meta !== 'object') return undefined;
  const { index, id } = meta as { index?: unknown; id?: unknown };
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0) return undefined;
  return id === undefined ? { index } : { index, id };
}

/**
 * One output line for a batch answer, in the same shape as `maxllm run`: `{ index, id?, result }` or
 * `{ index, id?, error }`. The input line comes from the request's `meta`; without one, `position` (the enqueue
 * order) is the index. The Batch API's internal `custom_id` is never shown as the user's id.
 */
export function resultLine(
  answer: BatchResult,
  position: number,
): Record<string, unknown> & { index: number } {
  const meta = lineMeta(answer.meta) ?? { index: position };
  const head = meta.id === undefined ? { index: meta.index } : { index: meta.index, id: meta.id };
  return answer.ok ? { ...head, result: answer.value } : { ...head, error: errorRecord(answer.error) };
}
