/**
 * The parts of sibling packages a batch uses. Each is a `Pick` of the real type, so the real `MaxllmConfig`,
 * `ResponseCache` and `Ledger` fit, and so does a smaller object with these members.
 */
import type { ResponseCache } from '@maxllm/cache';
import type { MaxllmConfig, ResolvedModel } from '@maxllm/config';
import type { CallRecord, CallUsage, Ledger } from '@maxllm/ledger';
import type { PreparedRequest } from '@maxllm/request';

/** The resolved model (`@maxllm/config`). */
export type BatchModel = ResolvedModel;

/** What a batch needs of `MaxllmConfig` (`@maxllm/config`): model resolution and `paths.batch`. */
export type BatchConfig = Pick<MaxllmConfig, 'paths' | 'resolveModel'>;

/** What a batch needs of `ResponseCache` (`@maxllm/cache`). */
export type BatchCache = Pick<ResponseCache, 'get' | 'set'>;

/** What a batch needs of `Ledger` (`@maxllm/ledger`). */
export type BatchLedger = Pick<Ledger, 'record' | 'flush' | 'path'>;

/** One ledger row (`CallRecord` of `@maxllm/ledger`). */
export type BatchCallRecord = CallRecord;

/**
 * Estimates the usage of an answer that came without `usage` (some providers and proxies omit it), for its ledger
 * row: returns tokens marked `estimated: true`. `@maxllm/client` passes one built on its tokenizer, which also warns
 * once per model. `answerText` is the answer's text, when it has one.
 */
export type BatchUsageEstimator = (
  prepared: PreparedRequest,
  answerText: string | undefined,
  model: { model: string; uniqueName: string },
) => CallUsage;
