import { estimateTextTokens } from '@maxllm/ratelimit';
import { extractResult, prepareRequest, readUsage, type Usage } from '@maxllm/request';
import { lookup, store } from './cache-io';
import type { Call } from './call';
import { callModel } from './call-model';
import { addUsage, type CompleteOutcome } from './outcome';
import { receiveAnswer } from './receive-answer';
import { recordCall } from './record-call';
import { targetOf } from './target';

interface EmbeddingItem {
  object?: string;
  index?: number;
  embedding: unknown;
}

/**
 * Embeds an array of inputs: identical inputs are sent once, each input is cached under its own key (the key a
 * single-string call would use), only misses are sent, split to at most `embeddingBatchSize` inputs and
 * `embeddingTokensPerRequest` estimated tokens per request, and the vectors come back in input order. Each input
 * and each request is a {@link Call} of its own through the same stages as `complete()`.
 */
export async function embedMany(call: Call): Promise<CompleteOutcome> {
  const { context, resolved, prepared, request } = call;
  const inputs = prepared.body.input as string[];
  const unique = [...new Set(inputs)];
  const single = (prompt: string | string[]): Call => ({
    ...call,
    prepared: prepareRequest({ ...request, prompt, input: undefined }, targetOf(resolved), {
      requestFlag: call.requestFlag,
    }),
  });
  const perInput = new Map(unique.map((text) => [text, single(text)]));
  const found = new Map<string, EmbeddingItem>();
  let hitUsage: Usage | undefined;
  let hits = 0;

  if (call.policy.read) {
    await Promise.all(
      unique.map(async (text) => {
        const response = await lookup(perInput.get(text)!);
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
      recordCall(sample, { status: 'ok', cacheHit: true, response: hitResponse });
    }
  }

  const misses = unique.filter((text) => !found.has(text));
  let usage: Usage | undefined = hits > 0 ? hitUsage : undefined;
  let spent = 0;
  let first = hits === 0;
  await Promise.all(
    chunk(misses, context.embeddingBatchSize, context.embeddingTokensPerRequest, resolved.model).map(
      async (part) => {
        // Each input's vector goes into the cache under its own key, before the request's ledger row.
        const storeInputs = async (response: unknown): Promise<void> => {
          const items = dataOf(response);
          const shares = splitTokens(readUsage(response)?.inputTokens, part, resolved.model);
          await Promise.all(
            part.map(async (text, index) => {
              const item = items[index];
              if (!item) return;
              const tokens = shares?.[index];
              await store(perInput.get(text)!, {
                object: 'list',
                data: [{ ...item, index: 0 }],
                model: modelOf(response) ?? resolved.model,
                ...(tokens === undefined ? {} : { usage: { prompt_tokens: tokens, total_tokens: tokens } }),
              });
            }),
          );
        };
        const answer = await callModel(single(part), {
          receive: (attempt) => receiveAnswer(attempt, { extract: false, store: storeInputs }),
        });
        spent += answer.costUsd;
        usage = first ? answer.usage : addUsage(usage, answer.usage);
        first = false;
        const items = dataOf(answer.response);
        part.forEach((text, index) => {
          const item = items[index];
          if (item) found.set(text, item);
        });
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
