import type { Logger } from '@maxllm/core';
import { inspect } from 'node:util';
import { resolveEnvRef } from './env-ref';
import { ConfigSchemaError, ModelNotFoundError } from './errors';
import type { Env } from './home';
import { countStars, findBestMatch, matchCaptures, substituteStars } from './match';
import { resolveLimits } from './rate-limit';
import type { RateLimitSection } from './rate-limit';
import { redactKey, redactUrl } from './redact-key';
import type { LitellmParams } from './schema';
import { FLEX_TIMEOUT_MS } from './service-tier';
import { DEFAULT_TIMEOUT_MS } from './default-timeout';
import type { ModelMode, ResolvedModel } from './types';
import type { KeyPath } from './yaml-source';
import { formatKeyPath } from './yaml-source';

/** A `model_list` item with a `model_name`. */
export interface ModelEntry {
  /** Index in the file's `model_list` (anchor bases included). */
  index: number;
  /** The `model_name` pattern. */
  pattern: string;
  /** Its validated `litellm_params`. */
  params: LitellmParams;
}

/** What {@link resolveModelEntry} needs from the loaded config. */
export interface ResolveContext {
  /** `model_list` items with a `model_name`, in file order. */
  entries: readonly ModelEntry[];
  /** The validated `rate_limit` section. */
  limits: RateLimitSection;
  /** Environment for `os.environ/` references and fallbacks. */
  env: Env;
  /** Config file, `undefined` for the built-in default. */
  file: string | undefined;
  /** Position of a key path in the text. */
  locate: (path: KeyPath, at?: 'key' | 'value') => { line: number; column: number };
  /** Receives a debug line per resolved model. */
  logger: Logger;
}

const perMillion = (perToken: number | null | undefined) =>
  perToken == null ? undefined : Number((perToken * 1e6).toPrecision(12));

function wildcardError(
  context: ResolveContext,
  entry: ModelEntry,
  key: 'model' | 'model_unique_name',
  stars: number,
) {
  const path = ['model_list', entry.index, 'litellm_params', key];
  const expected = countStars(entry.pattern);
  return new ConfigSchemaError([
    {
      file: context.file ?? '(built-in default)',
      keyPath: formatKeyPath(path),
      ...context.locate(path),
      message: `has ${stars} '*' but model_name '${entry.pattern}' has ${expected}; they must have the same number`,
    },
  ]);
}

/** Resolves `name` against the model list (see the package README for every rule). */
export function resolveModelEntry(name: string, context: ResolveContext): ResolvedModel {
  const best = findBestMatch(context.entries, name, (entry) => entry.pattern);
  if (!best) {
    throw new ModelNotFoundError(
      name,
      context.file,
      context.entries.map((entry) => entry.pattern),
    );
  }
  const entry = best.item;
  const params = entry.params;
  const base = ['model_list', entry.index, 'litellm_params'];
  const refContext = (key: string) => ({
    env: context.env,
    file: context.file,
    keyPath: formatKeyPath([...base, key]),
    model: name,
  });
  const captures = matchCaptures(entry.pattern, name) ?? [];
  const substitute = (value: string, key: 'model' | 'model_unique_name') => {
    const stars = countStars(value);
    if (stars === 0) return value;
    if (stars !== captures.length) throw wildcardError(context, entry, key, stars);
    return substituteStars(value, captures);
  };

  const model =
    params.model == null ? name : substitute(resolveEnvRef(params.model, refContext('model')), 'model');
  const uniqueName =
    params.model_unique_name == null
      ? model
      : substitute(
          resolveEnvRef(params.model_unique_name, refContext('model_unique_name')),
          'model_unique_name',
        );
  const apiKey =
    params.api_key == null
      ? context.env.OPENAI_API_KEY
      : resolveEnvRef(params.api_key, refContext('api_key'));
  const apiBase =
    params.api_base === undefined
      ? context.env.OPENAI_API_BASE || undefined
      : params.api_base === null
        ? undefined
        : resolveEnvRef(params.api_base, refContext('api_base')) || undefined;
  const mode: ModelMode = params.mode ?? (model.toLowerCase().includes('embedding') ? 'embedding' : 'chat');
  const api = params.api ?? 'chat';
  if (api === 'responses' && mode !== 'chat') {
    const path = [...base, 'api'];
    throw new ConfigSchemaError([
      {
        file: context.file ?? '(built-in default)',
        keyPath: formatKeyPath(path),
        ...context.locate(path),
        message: `is 'responses', which only a chat model can use (this one's mode is ${mode})`,
      },
    ]);
  }
  const serviceTier = params.service_tier ?? undefined;
  const local = params.local ?? false;
  const limits = resolveLimits(
    uniqueName,
    { rpm: params.rpm, tpm: params.tpm, local, embedding: mode === 'embedding' },
    context.limits,
  );
  const concurrency =
    params.concurrency === null
      ? Infinity
      : params.concurrency
        ? params.concurrency
        : mode === 'embedding'
          ? 1000
          : 500;
  const prices = {
    inputPerMillion: params.input_cost_per_million ?? perMillion(params.input_cost_per_token),
    outputPerMillion: params.output_cost_per_million ?? perMillion(params.output_cost_per_token),
    cachedInputPerMillion:
      params.cached_input_cost_per_million ?? perMillion(params.cache_read_input_token_cost),
  };
  for (const key of Object.keys(prices) as (keyof typeof prices)[]) {
    if (prices[key] === undefined) delete prices[key];
  }
  const timeoutMs =
    params.timeout != null
      ? Math.round(params.timeout * 1000)
      : serviceTier === 'flex'
        ? FLEX_TIMEOUT_MS
        : DEFAULT_TIMEOUT_MS;
  const burstMs = params.burst == null ? undefined : params.burst * 1000;
  const maxRetries = params.max_retries ?? 5;
  const weight = params.weight ?? 1;

  const describe = () =>
    `${name} → ${model} (unique name ${uniqueName}, pattern '${entry.pattern}') at ${apiBase === undefined ? 'the SDK default base URL' : redactUrl(apiBase)}, ` +
    `key ${redactKey(apiKey)}, ${mode}${api === 'responses' ? ' via the Responses API' : ''}` +
    `${serviceTier ? `, service tier ${serviceTier}` : ''}${local ? ', local' : ''}, rpm ${limits.rpm}, tpm ${limits.tpm} ` +
    `(${limits.matched}), concurrency ${concurrency}, weight ${weight}, max retries ${maxRetries}, ` +
    `timeout ${timeoutMs === undefined ? 'SDK default' : `${timeoutMs} ms`}`;
  const fields = {
    alias: name,
    pattern: entry.pattern,
    model,
    uniqueName,
    apiBase,
    provider: params.provider ?? undefined,
    apiKey,
    mode,
    api,
    serviceTier,
    rpm: limits.rpm,
    tpm: limits.tpm,
    concurrency,
    weight,
    timeoutMs,
    burstMs,
    maxRetries,
    local,
    prices: Object.freeze(prices),
    describe,
  };
  // Accidental JSON.stringify / console.log / snapshots show the key (and URL credentials) redacted (non-enumerable, so spreads are unchanged).
  const safeView = () => ({
    ...fields,
    apiKey: apiKey === undefined ? undefined : redactKey(apiKey),
    apiBase: apiBase === undefined ? undefined : redactUrl(apiBase),
  });
  Object.defineProperty(fields, 'toJSON', { value: safeView });
  Object.defineProperty(fields, inspect.custom, { value: safeView });
  const resolved: ResolvedModel = Object.freeze(fields);
  context.logger.debug(`Resolved model ${describe()}`);
  return resolved;
}
