import { invalidParam } from './errors';
import type { HandlerContext, HandlerResult } from './handler-types';
import { newId } from './ids';
import { generateFromSchema } from './json-schema-generator';
import { createRandom } from './random';
import { canonicalJson, requestSeed } from './request-seed';
import { responseEvents } from './response-events';
import { reportedTier } from './service-tier';
import { generateWords, pickLength } from './text-generator';
import { countChatPromptTokens, countTextTokens, truncateToTokens } from './tokens';
import { optionalPositiveInt, requireModel, requireObject } from './validate';

const REASONING_TOKENS: Record<string, number> = { minimal: 16, low: 64, medium: 192, high: 512 };

/**
 * `POST /v1/responses`: validates the body and generates a deterministic answer: one output message with one
 * `output_text` part (plain text, or JSON for `text.format` `json_object` / `json_schema`), a reasoning item and
 * reasoning tokens when `reasoning.effort` is set, `status: 'incomplete'` when `max_output_tokens` cut it.
 */
export function createResponse(rawBody: unknown, context: HandlerContext): HandlerResult {
  const body = requireObject(rawBody);
  const model = requireModel(body);
  const messages = inputMessages(body);
  const cap = optionalPositiveInt(body, 'max_output_tokens');
  const tier = reportedTier(body);
  const random = createRandom(requestSeed(context.seed, body));
  const reasoningOption = (body.reasoning ?? null) as Record<string, unknown> | null;
  const effort = typeof reasoningOption?.effort === 'string' ? reasoningOption.effort : undefined;
  const reasoning = effort && effort !== 'none' ? (REASONING_TOKENS[effort] ?? 128) : 0;
  const visibleCap = cap === undefined ? undefined : Math.max(0, cap - reasoning);

  const format = textFormat(body);
  let text: string;
  let wanted: number;
  if (format.type === 'json_schema' || format.type === 'json_object') {
    const value =
      format.type === 'json_schema'
        ? generateFromSchema(format.schema ?? {}, random)
        : { answer: generateWords(random, pickLength(random, 12, 0.5)).join('') };
    text = JSON.stringify(value);
    wanted = countTextTokens(text);
  } else {
    wanted = pickLength(random, context.output.meanTokens, context.output.spread);
    text = generateWords(random, wanted).join('');
  }
  const incomplete = visibleCap !== undefined && wanted > visibleCap;
  if (incomplete) text = truncateToTokens(text, visibleCap);
  const visibleTokens = countTextTokens(text);

  const inputTokens = countChatPromptTokens(messages, body.tools);
  const outputTokens = visibleTokens + reasoning;
  const cachedTokens = context.cachedTokens(canonicalJson(messages), inputTokens);
  const created = Math.floor(context.now / 1000);
  const messageItem = {
    id: newId('msg_'),
    type: 'message',
    role: 'assistant',
    status: incomplete ? 'incomplete' : 'completed',
    content: [{ type: 'output_text', text, annotations: [], logprobs: [] }],
  };
  const reasoningItem = reasoning > 0 ? { id: newId('rs_'), type: 'reasoning', summary: [] } : undefined;
  const usage = {
    input_tokens: inputTokens,
    input_tokens_details: { cached_tokens: cachedTokens, cache_write_tokens: 0 },
    output_tokens: outputTokens,
    output_tokens_details: { reasoning_tokens: reasoning },
    total_tokens: inputTokens + outputTokens,
  };
  const response = {
    id: newId('resp_'),
    object: 'response',
    created_at: created,
    status: incomplete ? 'incomplete' : 'completed',
    completed_at: incomplete ? null : created,
    error: null,
    incomplete_details: incomplete ? { reason: 'max_output_tokens' } : null,
    instructions: typeof body.instructions === 'string' ? body.instructions : null,
    max_output_tokens: cap ?? null,
    model,
    output: reasoningItem ? [reasoningItem, messageItem] : [messageItem],
    parallel_tool_calls: body.parallel_tool_calls !== false,
    previous_response_id: null,
    reasoning: { effort: effort ?? null, summary: null },
    service_tier: tier,
    store: body.store !== false,
    temperature: typeof body.temperature === 'number' ? body.temperature : 1,
    text: { format: format.echo },
    tool_choice: body.tool_choice ?? 'auto',
    tools: Array.isArray(body.tools) ? body.tools : [],
    top_p: typeof body.top_p === 'number' ? body.top_p : 1,
    truncation: 'disabled',
    usage,
    metadata: body.metadata ?? {},
  };
  return {
    model,
    response,
    promptTokens: inputTokens,
    completionTokens: outputTokens,
    maxTokens: cap,
    eventStream: true,
    chunks: (withUsage) => responseEvents(response, withUsage),
  };
}

/** The input as chat-like messages for counting and prompt caching: instructions first, then the input items. */
function inputMessages(body: Record<string, unknown>): unknown[] {
  const input = body.input;
  if (input === undefined) throw invalidParam('input', "Missing required parameter: 'input'.");
  const instructions =
    typeof body.instructions === 'string' ? [{ role: 'developer', content: body.instructions }] : [];
  if (typeof input === 'string') return [...instructions, { role: 'user', content: input }];
  if (!Array.isArray(input) || input.length === 0) {
    throw invalidParam('input', "Invalid 'input': expected a string or a non-empty array of input items.");
  }
  const items = input as unknown[];
  items.forEach((item, index) => {
    const record = item as Record<string, unknown> | null;
    const isMessage = record?.type === undefined || record.type === 'message';
    if (isMessage && typeof record?.role !== 'string') {
      throw invalidParam(`input[${index}].role`, `Missing required parameter: 'input[${index}].role'.`);
    }
  });
  return [...instructions, ...items];
}

interface Format {
  type: string;
  schema?: unknown;
  /** The format as the response echoes it. */
  echo: Record<string, unknown>;
}

function textFormat(body: Record<string, unknown>): Format {
  const text = body.text as Record<string, unknown> | undefined;
  const format = text?.format as Record<string, unknown> | undefined;
  if (format === undefined || format === null) return { type: 'text', echo: { type: 'text' } };
  switch (format.type) {
    case 'text':
    case 'json_object':
      return { type: format.type, echo: { type: format.type } };
    case 'json_schema':
      if (typeof format.name !== 'string' || format.name === '') {
        throw invalidParam('text.format.name', "Missing required parameter: 'text.format.name'.");
      }
      if (typeof format.schema !== 'object' || format.schema === null) {
        throw invalidParam('text.format.schema', "Missing required parameter: 'text.format.schema'.");
      }
      return { type: 'json_schema', schema: format.schema, echo: { ...format } };
    default:
      throw invalidParam(
        'text.format.type',
        `Invalid 'text.format.type': expected one of text, json_object, json_schema, got ${JSON.stringify(format.type)}.`,
      );
  }
}
