import { invalidParam } from './errors';
import type { HandlerContext, HandlerResult } from './handler-types';
import { newId } from './ids';
import { createRandom } from './random';
import { requestSeed } from './request-seed';
import { generateWords, pickLength } from './text-generator';
import { countTextTokens } from './tokens';
import { optionalPositiveInt, requireModel, requireObject, tokenCap } from './validate';

/** The prompts of a completions request: a string, strings, a token array or token arrays. */
function promptTokensOf(prompt: unknown): number[] {
  if (typeof prompt === 'string') return [countTextTokens(prompt)];
  if (Array.isArray(prompt) && prompt.length > 0) {
    if (prompt.every((item) => typeof item === 'number')) return [prompt.length];
    if (prompt.every((item) => typeof item === 'string'))
      return prompt.map((item: string) => countTextTokens(item));
    if (prompt.every((item) => Array.isArray(item))) return prompt.map((item: unknown[]) => item.length);
  }
  throw invalidParam(
    'prompt',
    "Invalid 'prompt': expected a string, an array of strings or an array of tokens.",
  );
}

/** `POST /v1/completions` (legacy): one choice per prompt × `n`, deterministic text. */
export function completion(rawBody: unknown, context: HandlerContext): HandlerResult {
  const body = requireObject(rawBody);
  const model = requireModel(body);
  if (body.prompt === undefined) throw invalidParam('prompt', "Missing required parameter: 'prompt'.");
  const prompts = promptTokensOf(body.prompt);
  const n = optionalPositiveInt(body, 'n', 128) ?? 1;
  const cap = tokenCap(body) ?? 16;
  const random = createRandom(requestSeed(context.seed, body));
  const choices = Array.from({ length: prompts.length * n }, (_, index) => {
    const wanted = pickLength(random, context.output.meanTokens, context.output.spread);
    const length = Math.min(wanted, cap);
    const pieces = generateWords(random, length);
    return { index, pieces, tokens: length, finish: length < wanted ? 'length' : 'stop' };
  });
  const promptTokens = prompts.reduce((sum, tokens) => sum + tokens, 0);
  const completionTokens = choices.reduce((sum, choice) => sum + choice.tokens, 0);
  const base = {
    id: newId('cmpl-'),
    object: 'text_completion',
    created: Math.floor(context.now / 1000),
    model,
  };
  const usage = {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
  const response = {
    ...base,
    system_fingerprint: 'fp_mock0000',
    choices: choices.map((choice) => ({
      index: choice.index,
      text: choice.pieces.join(''),
      logprobs: null,
      finish_reason: choice.finish,
    })),
    usage,
  };
  const chunks = (includeUsage: boolean): Array<Record<string, unknown>> => {
    const out: Array<Record<string, unknown>> = [];
    for (const choice of choices) {
      choice.pieces.forEach((piece, position) => {
        const last = position === choice.pieces.length - 1;
        out.push({
          ...base,
          choices: [
            { index: choice.index, text: piece, logprobs: null, finish_reason: last ? choice.finish : null },
          ],
        });
      });
    }
    if (includeUsage) out.push({ ...base, choices: [], usage });
    return out;
  };
  return { model, response, promptTokens, completionTokens, maxTokens: cap, chunks };
}
