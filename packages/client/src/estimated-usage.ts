import type { Logger } from '@maxllm/core';
import type { CallUsage } from '@maxllm/ledger';
import { estimateTextTokens } from '@maxllm/ratelimit';
import type { PreparedRequest } from '@maxllm/request';

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
