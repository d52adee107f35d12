import type { EstimateOptions, RunEstimate } from './estimate-run';
import type { BatchHandle } from '@maxllm/batch';
import type { CallStatus } from '@maxllm/ledger';
import type { CompleteRequest, NoUnknownKeys } from '@maxllm/request';
import type { BatchItem } from './batch-complete';
import type { BatchViaOptions } from './batch-via';
import { createClient } from './client';
import type {
  BatchOptionKey,
  BatchResultOf,
  CompleteResult,
  GetBatchOptions,
  MaxllmClient,
  TextStream,
} from './types';

let defaultClient: MaxllmClient | undefined;

/** The process-wide client behind the module-level functions, created on first use with `createClient()`. */
export function getDefaultClient(): MaxllmClient {
  defaultClient ??= createClient();
  return defaultClient;
}

/** Closes the default client (flushes its ledger); the next module-level call creates a new one. */
export async function closeDefaultClient(): Promise<void> {
  const client = defaultClient;
  defaultClient = undefined;
  await client?.close();
}

/** `complete()` on the default client. See {@link MaxllmClient.complete}. */
export function complete<R extends CompleteRequest>(
  request: R & NoUnknownKeys<R>,
): Promise<CompleteResult<R>> {
  return getDefaultClient().complete<R>(request);
}

/** `stream()` on the default client. See {@link MaxllmClient.stream}. */
export function stream(request: CompleteRequest): TextStream {
  return getDefaultClient().stream(request);
}

/** `batchComplete()` on the default client. See {@link MaxllmClient.batchComplete}. */
export function batchComplete<I extends BatchItem, O extends BatchViaOptions = Record<never, never>>(
  items: Iterable<I & NoUnknownKeys<I>> | AsyncIterable<I & NoUnknownKeys<I>>,
  options?: O & NoUnknownKeys<O, BatchOptionKey> & BatchViaOptions,
): Promise<Array<BatchResultOf<I, O>>> {
  return getDefaultClient().batchComplete<I, O>(items, options);
}

/** `getBatch()` on the default client. See {@link MaxllmClient.getBatch}. */
export function getBatch(options: GetBatchOptions): Promise<BatchHandle> {
  return getDefaultClient().getBatch(options);
}

/** `estimate()` on the default client. See {@link MaxllmClient.estimate}. */
export function estimate(
  requests: Iterable<CompleteRequest> | AsyncIterable<CompleteRequest>,
  options?: EstimateOptions,
): Promise<RunEstimate> {
  return getDefaultClient().estimate(requests, options);
}

/** Call status of the default client. See {@link MaxllmClient.getCallStatus}. */
export function getCallStatus(model?: string): CallStatus {
  return getDefaultClient().getCallStatus(model);
}

/** `after - before` per model and counter (no client needed). */
export { diffCallStatus } from '@maxllm/ledger';

/** Sets the default client's global request flag. See {@link MaxllmClient.setRequestFlag}. */
export function setRequestFlag(flag: unknown): void {
  getDefaultClient().setRequestFlag(flag);
}
