import { invalidParam } from './errors';
import type { HandlerContext, HandlerResult } from './handler-types';
import { createRandom, hashSeed } from './random';
import { canonicalJson } from './request-seed';
import { countTextTokens } from './tokens';
import { optionalPositiveInt, requireModel, requireObject } from './validate';

const DEFAULT_DIMENSIONS: Record<string, number> = {
  'text-embedding-3-large': 3072,
  'text-embedding-3-small': 1536,
  'text-embedding-ada-002': 1536,
};

/** The inputs of an embeddings request and their token counts. */
function inputsOf(input: unknown): Array<{ key: string; tokens: number }> {
  const invalid = invalidParam(
    'input',
    "Invalid 'input': expected a non-empty string, array of strings or tokens.",
  );
  if (typeof input === 'string') {
    if (input === '') throw invalid;
    return [{ key: input, tokens: countTextTokens(input) }];
  }
  if (!Array.isArray(input) || input.length === 0) throw invalid;
  if (input.every((item) => typeof item === 'number'))
    return [{ key: canonicalJson(input), tokens: input.length }];
  return input.map((item: unknown) => {
    if (typeof item === 'string' && item !== '') return { key: item, tokens: countTextTokens(item) };
    if (Array.isArray(item) && item.length > 0 && item.every((token) => typeof token === 'number')) {
      return { key: canonicalJson(item), tokens: item.length };
    }
    throw invalid;
  });
}

/** A deterministic unit vector for `key` (Gaussian components from the seeded generator, L2-normalised). */
export function embeddingVector(seed: number, model: string, key: string, dimensions: number): number[] {
  const random = createRandom(hashSeed(`${seed}\u0000${model}\u0000${key}`));
  const vector = Array.from({ length: dimensions }, () => {
    const u = Math.max(random.next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.next());
  });
  const norm = Math.hypot(...vector) || 1;
  return vector.map((value) => Math.fround(value / norm));
}

/** A vector as OpenAI's `base64` encoding: float32 little endian. */
export function toBase64(vector: readonly number[]): string {
  const buffer = Buffer.alloc(vector.length * 4);
  vector.forEach((value, index) => buffer.writeFloatLE(value, index * 4));
  return buffer.toString('base64');
}

/** `POST /v1/embeddings`. */
export function embeddings(rawBody: unknown, context: HandlerContext): HandlerResult {
  const body = requireObject(rawBody);
  const model = requireModel(body);
  if (body.input === undefined) throw invalidParam('input', "Missing required parameter: 'input'.");
  const inputs = inputsOf(body.input);
  const dimensions = optionalPositiveInt(body, 'dimensions', 4096) ?? DEFAULT_DIMENSIONS[model] ?? 1536;
  const format = body.encoding_format ?? 'float';
  if (format !== 'float' && format !== 'base64') {
    throw invalidParam('encoding_format', "Invalid 'encoding_format': expected 'float' or 'base64'.");
  }
  const data = inputs.map((input, index) => {
    const vector = embeddingVector(context.seed, model, input.key, dimensions);
    return { object: 'embedding', index, embedding: format === 'base64' ? toBase64(vector) : vector };
  });
  const promptTokens = inputs.reduce((sum, input) => sum + input.tokens, 0);
  const response = {
    object: 'list',
    data,
    model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
  return { model, response, promptTokens, completionTokens: 0, maxTokens: undefined };
}
