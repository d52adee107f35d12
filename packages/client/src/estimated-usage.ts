import type { Logger } from '@maxllm/core';
import type { CallUsage } from '@maxllm/ledger';
import { estimateTextTokens } from '@maxllm/ratelimit';
import type { PreparedRequest } from '@maxllm/request';
import type { BatchUsageEstimator } from '@maxllm/batch';
import { estimateInputTokens } from './estimate';

/** Models already warned about, per logger (one warning per model and client). */
const warned = new WeakMap<Logger, Set<string>>();

/**
 * The usage a ledger row gets when the provider sent none (some proxies and local servers omit it): the input
 * estimate the limiter reserved and the tokens of the answer's text, marked `estimated`, so the row has tokens and a
 * cost instead of empty cells. Warns once per model (through `logger`) that its counts are estimates.
 */
export function estimatedUsage(
  prepared: PreparedRequest,
  answerText: string | undefined,
  inputEstimate: number,
  where: { model: string; uniqueName: string; logger: Logger; warn?: boolean },
): CallUsage {
  const outputTokens =
    prepared.kind === 'embedding' || !answerText ? 0 : estimateTextTokens(answerText, where.model);
  if (where.warn !== false) {
    let models = warned.get(where.logger);
    if (!models) warned.set(where.logger, (models = new Set()));
    if (!models.has(where.uniqueName)) {
      models.add(where.uniqueName);
      where.logger.warn(
        `Model ${where.uniqueName} answered without usage: its ledger rows carry estimated tokens and cost ` +
          `(price_source ends with "estimated tokens").`,
      );
    }
  }
  return { inputTokens: inputEstimate, outputTokens, estimated: true };
}

/**
 * The estimate `@maxllm/batch` records for a Batch API answer without usage (`OpenBatchOptions.estimateUsage`): the
 * same as an online call's (the request's input estimate, the answer's text counted), with the same one warning per
 * model through `logger`.
 */
export function batchUsageEstimator(logger: Logger): BatchUsageEstimator {
  return (prepared, answerText, model) =>
    estimatedUsage(prepared, answerText, estimateInputTokens(prepared), { ...model, logger });
}
