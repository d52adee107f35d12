import { invalidParam } from './errors';
import type { HandlerContext, HandlerResult } from './handler-types';
import { newId } from './ids';
import { generateFromSchema } from './json-schema-generator';
import { createRandom, type Random } from './random';
import { canonicalJson, requestSeed } from './request-seed';
import { reportedTier } from './service-tier';
import { generateWords, pickLength } from './text-generator';
import { countChatPromptTokens, countTextTokens, truncateToTokens } from './tokens';
import { optionalPositiveInt, requireModel, requireObject, tokenCap } from './validate';

const REASONING_TOKENS: Record<string, number> = { minimal: 16, low: 64, medium: 192, high: 512 };

interface Choice {
  pieces: string[];
  content: string | null;
  toolCalls?: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }>;
  finishReason: 'stop' | 'length' | 'tool_calls';
  tokens: number;
}

/** `POST /v1/chat/completions`: validates the body and generates a deterministic answer. */
export function chatCompletion(rawBody: unknown, context: HandlerContext): HandlerResult {
  const body = requireObject(rawBody);
  const model = requireModel(body);
  const messages = body.messages;
  if (messages === undefined) throw invalidParam('messages', "Missing required parameter: 'messages'.");
  if (!Array.isArray(messages) || messages.length === 0) {
    throw invalidParam('messages', "Invalid 'messages': expected a non-empty array.");
  }
  messages.forEach((message, index) => {
    const role = (message as Record<string, unknown> | null)?.role;
    if (typeof role !== 'string') {
      throw invalidParam(`messages[${index}].role`, `Missing required parameter: 'messages[${index}].role'.`);
    }
  });
  const n = optionalPositiveInt(body, 'n', 128) ?? 1;
  const cap = tokenCap(body);
  const random = createRandom(requestSeed(context.seed, body));
  const effort = typeof body.reasoning_effort === 'string' ? body.reasoning_effort : undefined;
  const reasoning = effort ? (REASONING_TOKENS[effort] ?? 128) : 0;
  const visibleCap = cap === undefined ? undefined : Math.max(0, cap - reasoning);
  const choices = Array.from({ length: n }, () => makeChoice(body, random, context, visibleCap));
  const promptTokens = countChatPromptTokens(messages, body.tools);
  const visibleTokens = choices.reduce((sum, choice) => sum + choice.tokens, 0);
  const completionTokens = visibleTokens + reasoning * n;
  const cachedTokens = context.cachedTokens(canonicalJson(messages), promptTokens);
  const id = newId('chatcmpl-');
  const created = Math.floor(context.now / 1000);
  const usage = {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: cachedTokens, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: reasoning * n,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
  const base = { id, created, model, service_tier: reportedTier(body), system_fingerprint: 'fp_mock0000' };
  const response = {
    ...base,
    object: 'chat.completion',
    choices: choices.map((choice, index) => ({
      index,
      message: {
        role: 'assistant',
        content: choice.content,
        refusal: null,
        annotations: [],
        ...(choice.toolCalls ? { tool_calls: choice.toolCalls } : {}),
      },
      logprobs: null,
      finish_reason: choice.finishReason,
    })),
    usage,
  };
  return {
    model,
    response,
    promptTokens,
    completionTokens,
    maxTokens: cap,
    chunks: (includeUsage) => streamChunks(base, choices, includeUsage ? usage : undefined),
  };
}

function makeChoice(
  body: Record<string, unknown>,
  random: Random,
  context: HandlerContext,
  cap: number | undefined,
): Choice {
  const tool = forcedTool(body);
  if (tool) {
    const args = JSON.stringify(
      generateFromSchema(tool.parameters ?? { type: 'object', properties: {} }, random),
    );
    const toolCalls = [
      { id: newId('call_'), type: 'function' as const, function: { name: tool.name, arguments: args } },
    ];
    return {
      pieces: [],
      content: null,
      toolCalls,
      finishReason: 'tool_calls',
      tokens: countTextTokens(tool.name + args),
    };
  }
  const format = (body.response_format ?? {}) as Record<string, unknown>;
  if (format.type === 'json_schema' || format.type === 'json_object') {
    const schema = (format.json_schema as Record<string, unknown> | undefined)?.schema;
    const value =
      format.type === 'json_schema'
        ? generateFromSchema(schema ?? {}, random)
        : { answer: generateWords(random, pickLength(random, 12, 0.5)).join('') };
    return capped(JSON.stringify(value), cap);
  }
  const wanted = pickLength(random, context.output.meanTokens, context.output.spread);
  const length = cap === undefined ? wanted : Math.min(wanted, cap);
  const pieces = generateWords(random, length);
  return {
    pieces,
    content: pieces.join(''),
    finishReason: length < wanted ? 'length' : 'stop',
    tokens: length,
  };
}

function capped(text: string, cap: number | undefined): Choice {
  const tokens = countTextTokens(text);
  if (cap === undefined || tokens <= cap)
    return { pieces: chunkText(text), content: text, finishReason: 'stop', tokens };
  const cut = truncateToTokens(text, cap);
  return { pieces: chunkText(cut), content: cut, finishReason: 'length', tokens: countTextTokens(cut) };
}

function chunkText(text: string): string[] {
  return text.match(/[\s\S]{1,16}/g) ?? [];
}

function forcedTool(body: Record<string, unknown>): { name: string; parameters?: unknown } | undefined {
  if (!Array.isArray(body.tools) || body.tools.length === 0) return undefined;
  const functions = (body.tools as Array<Record<string, unknown>>)
    .map((tool) => tool.function as { name: string; parameters?: unknown } | undefined)
    .filter((fn): fn is { name: string; parameters?: unknown } => typeof fn?.name === 'string');
  const choice = body.tool_choice as Record<string, unknown> | string | undefined;
  if (choice === 'required') return functions[0];
  if (typeof choice === 'object' && choice !== null) {
    const name = (choice.function as { name?: string } | undefined)?.name;
    return functions.find((fn) => fn.name === name);
  }
  return undefined;
}

function streamChunks(
  base: Record<string, unknown>,
  choices: Choice[],
  usage: Record<string, unknown> | undefined,
): Array<Record<string, unknown>> {
  const chunk = (
    index: number,
    delta: Record<string, unknown>,
    finish: string | null,
  ): Record<string, unknown> => ({
    ...base,
    object: 'chat.completion.chunk',
    choices: [{ index, delta, logprobs: null, finish_reason: finish }],
    ...(usage ? { usage: null } : {}),
  });
  const chunks: Array<Record<string, unknown>> = [];
  choices.forEach((choice, index) => {
    chunks.push(
      chunk(index, { role: 'assistant', content: choice.toolCalls ? null : '', refusal: null }, null),
    );
    if (choice.toolCalls) {
      const toolCalls = choice.toolCalls.map((call, callIndex) => ({ index: callIndex, ...call }));
      chunks.push(chunk(index, { tool_calls: toolCalls }, null));
    }
    for (const piece of choice.pieces) chunks.push(chunk(index, { content: piece }, null));
    chunks.push(chunk(index, {}, choice.finishReason));
  });
  if (usage) chunks.push({ ...base, object: 'chat.completion.chunk', choices: [], usage });
  return chunks;
}
