import type { Budget } from '@maxllm/ledger';
import type { CachePolicy } from '@maxllm/cache';
import { estimateTextTokens } from '@maxllm/ratelimit';
import {
  extractResult,
  prepareRequest,
  readUsage,
  type CompleteRequest,
  type PreparedRequest,
  type Usage,
} from '@maxllm/request';
import type { BalancedMember } from './balancer';
import { readCached, writeCached } from './cache-io';
import { callModel } from './call-model';
import type { ClientContext } from './client-context';
import { addUsage, costUsd, type CompleteOutcome } from './outcome';
import { recordHit } from './record-hit';
import { targetOf } from './target';

interface EmbeddingItem {
  object?: string;
  index?: number;
  embedding: unknown;
}

/**
 * Embeds an array of inputs: identical inputs are sent once, each input is cached under its own key (the key a
 * single-string call would use), only misses are sent, split to at most `embeddingBatchSize` inputs and
 * `embeddingTokensPerRequest` estimated tokens per request, and the vectors come back in input order.
 */
export async function embedMany(
  context: ClientContext,
  member: BalancedMember,
  request: CompleteRequest,
  prepared: PreparedRequest,
  policy: CachePolicy,
  options: { spec: string; batch?: boolean; budgets?: readonly Budget[] | undefined },
): Promise<CompleteOutcome> {
  const { resolved } = member;
  const inputs = prepared.body.input as string[];
  const unique = [...new Set(inputs)];
  const single = (prompt: string | string[]): PreparedRequest =>
    prepareRequest({ ...request, prompt, input: undefined }, targetOf(resolved), {
      requestFlag: context.requestFlag,
    });
  const perInput = new Map(unique.map((text) => [text, single(text)]));
  const found = new Map<string, EmbeddingItem>();
  let hitUsage: Usage | undefined;
  let hits = 0;

  if (policy.read) {
    await Promise.all(
      unique.map(async (text) => {
        const entry = perInput.get(text)!;
        const response = await readCached(context, entry.namespace, entry.cacheKey);
        const item = firstItem(response);
        if (!item) return;
        found.set(text, item);
        hits++;
        hitUsage = hits === 1 ? readUsage(response) : addUsage(hitUsage, readUsage(response));
      }),
    );
    if (hits > 0) {
      const sample = perInput.get(unique.find((text) => found.has(text))!)!;
      const hitResponse = { object: 'list', data: [], model: resolved.model, usage: usageJson(hitUsage) };
      recordHit(context, resolved, sample, hitResponse, options.batch ?? false);
    }
  }

  const misses = unique.filter((text) => !found.has(text));
  const runtime = misses.length > 0 ? await context.runtimes.get(resolved) : undefined;
  let usage: Usage | undefined = hits > 0 ? hitUsage : undefined;
  let spent = 0;
  let first = hits === 0;
  await Promise.all(
    chunk(misses, context.embeddingBatchSize, context.embeddingTokensPerRequest, resolved.model).map(
      async (part) => {
        const outcome = await callModel(context, runtime!, single(part), {
          alias: options.spec,
          signal: request.signal,
          extract: false,
          batch: options.batch,
          budgets: options.budgets,
        });
        spent += costUsd(outcome.cost);
        usage = first ? outcome.usage : addUsage(usage, outcome.usage);
        first = false;
        const items = dataOf(outcome.response);
        const shares = splitTokens(outcome.usage?.inputTokens, part, resolved.model);
        await Promise.all(
          part.map(async (text, index) => {
            const item = items[index];
            if (!item) return;
            found.set(text, item);
            if (!policy.write) return;
            const entry = perInput.get(text)!;
            const tokens = shares?.[index];
            const response = {
              object: 'list',
              data: [{ ...item, index: 0 }],
              model: modelOf(outcome.response) ?? resolved.model,
              ...(tokens === undefined ? {} : { usage: { prompt_tokens: tokens, total_tokens: tokens } }),
            };
            await writeCached(
              context,
              entry.namespace,
              entry.cacheKey,
              response,
              resolved.model,
              readUsage(response),
            );
          }),
        );
      },
    ),
  );

  const response = {
    object: 'list',
    data: inputs.map((text, index) => ({ ...found.get(text)!, index })),
    model: resolved.model,
    ...(usage ? { usage: usageJson(usage) } : {}),
  };
  return {
    result: extractResult(prepared, response),
    response,
    cacheHit: misses.length === 0,
    usage,
    costUsd: spent,
    uniqueName: resolved.uniqueName,
  };
}

/** Groups inputs into requests of at most `size` inputs and `tokens` estimated tokens (a bigger input goes alone). */
export function chunk(inputs: string[], size: number, tokens: number, model: string): string[][] {
  const parts: string[][] = [];
  let part: string[] = [];
  let budget = 0;
  for (const text of inputs) {
    const cost = estimateTextTokens(text, model);
    if (part.length > 0 && (part.length >= size || budget + cost > tokens)) {
      parts.push(part);
      part = [];
      budget = 0;
    }
    part.push(text);
    budget += cost;
  }
  if (part.length > 0) parts.push(part);
  return parts;
}

/** Shares a request's real input tokens among its inputs in proportion to their estimates (sums to the total). */
function splitTokens(total: number | undefined, part: string[], model: string): number[] | undefined {
  if (total === undefined) return undefined;
  const estimates = part.map((text) => Math.max(1, estimateTextTokens(text, model)));
  const sum = estimates.reduce((a, b) => a + b, 0);
  const shares = estimates.map((estimate) => Math.floor((total * estimate) / sum));
  const rest = total - shares.reduce((a, b) => a + b, 0);
  shares[shares.length - 1]! += rest;
  return shares;
}

function dataOf(response: unknown): EmbeddingItem[] {
  const data = (response as { data?: unknown } | undefined)?.data;
  if (!Array.isArray(data)) return [];
  return [...(data as EmbeddingItem[])].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
}

function firstItem(response: unknown): EmbeddingItem | undefined {
  return dataOf(response)[0];
}

function modelOf(response: unknown): string | undefined {
  const model = (response as { model?: unknown } | undefined)?.model;
  return typeof model === 'string' ? model : undefined;
}

function usageJson(usage: Usage | undefined): { prompt_tokens: number; total_tokens: number } | undefined {
  return usage ? { prompt_tokens: usage.inputTokens, total_tokens: usage.inputTokens } : undefined;
}
