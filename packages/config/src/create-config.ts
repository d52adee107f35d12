import type { Logger } from '@maxllm/core';
import type { z } from 'zod';
import { resolveEnvRef } from './env-ref';
import { ConfigSchemaError, InvalidRedisUrlError } from './errors';
import type { ConfigIssue } from './errors';
import type { Env } from './home';
import { homePaths } from './home';
import { countStars } from './match';
import { builtInDefaultLimits } from './rate-limit';
import { redactKey } from './redact-key';
import type { RateLimitSection } from './rate-limit';
import { resolveModelEntry } from './resolve-model';
import type { ModelEntry } from './resolve-model';
import { configFileSchema, knownKeys, modelEntrySchema } from './schema';
import type { MaxllmConfig, ResolvedModel } from './types';
import type { KeyPath } from './yaml-source';
import { formatKeyPath } from './yaml-source';
import { issueMessage, valueAt } from './issue-message';
import { budgetSettings } from './budget-settings';
import { redisUrlProblem } from './redis-url';
import { suggestKey } from './suggest-key';

/** Inputs of {@link createConfig}. */
export interface CreateConfigContext {
  /** File path or source name; `undefined` for the built-in default. */
  file: string | undefined;
  /** Position of a key path in the text (see `YamlSource.locate`). */
  locate: (path: KeyPath, at?: 'key' | 'value') => { line: number; column: number };
  /** Environment for `os.environ/` references and fallbacks. */
  env: Env;
  /** MaxLLM home folder. */
  home: string;
  /** Receives the warnings and debug lines. */
  logger: Logger;
  /** True when the node at a key path carries a YAML anchor (see `YamlSource.anchored`). @default never */
  anchored?: (path: KeyPath) => boolean;
  /** Warnings found before (YAML parser warnings). */
  warnings: readonly string[];
}

/** A key name as shown in warnings: one that looks like a pasted API key is redacted. */
function displayKey(key: string): string {
  return /^[a-z]{2,8}-\S{8,}$/i.test(key) || /[A-Za-z0-9_-]{32,}/.test(key) ? redactKey(key) : key;
}

/** The built-in default used when no file exists: one `"*"` model using `$OPENAI_API_KEY` / `$OPENAI_API_BASE`. */
export const builtInDefaultConfig = {
  model_list: [{ model_name: '*', litellm_params: { model: '*', api_key: 'os.environ/OPENAI_API_KEY' } }],
};

/** Validates plain config data (from YAML or the built-in default) and builds the {@link MaxllmConfig}. */
export function createConfig(data: unknown, context: CreateConfigContext): MaxllmConfig {
  const file = context.file ?? '(built-in default)';
  const issues: ConfigIssue[] = [];
  const warnings = [...context.warnings];
  const warned = new Set<string>();
  const issue = (path: KeyPath, message: string) =>
    issues.push({ file, keyPath: formatKeyPath(path), ...context.locate(path), message });
  const zodIssues = (error: z.ZodError, root: KeyPath, rootData: unknown) => {
    for (const zodIssue of error.issues) {
      const path = [...root, ...(zodIssue.path as (string | number)[])];
      issue(path, issueMessage(zodIssue, valueAt(rootData, zodIssue.path as (string | number)[]), path));
    }
  };
  const unknownKeys = (value: unknown, path: KeyPath, known: readonly string[]) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
    for (const key of Object.keys(value)) {
      if (known.includes(key)) continue;
      const { line, column } = context.locate([...path, key], 'key');
      if (warned.has(`${line}:${column}:${key}`)) continue;
      warned.add(`${line}:${column}:${key}`);
      const hint = suggestKey(key, known);
      warnings.push(
        `${file}:${line}:${column}: unknown key ${formatKeyPath([...path, displayKey(key)])} ignored${hint ? ` (did you mean ${hint}?)` : ''}`,
      );
    }
  };

  if (data === null || data === undefined) {
    throw new ConfigSchemaError([
      {
        file,
        keyPath: '',
        line: 1,
        column: 1,
        message:
          'the file is empty; expected a mapping with model_list and rate_limit (delete the file to use the built-in default)',
      },
    ]);
  }
  // Every problem is collected before throwing, so that one `config check` shows them all.
  const parsed = configFileSchema.safeParse(data);
  if (!parsed.success) zodIssues(parsed.error, [], data);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigSchemaError(issues as [ConfigIssue, ...ConfigIssue[]]);
  }
  const raw = data as Record<string, unknown>;
  const rateLimit = raw.rate_limit as Record<string, unknown> | null | undefined;
  unknownKeys(raw, [], knownKeys.root);
  unknownKeys(rateLimit, ['rate_limit'], knownKeys.rateLimit);
  unknownKeys(raw.ledger, ['ledger'], knownKeys.ledger);
  const budget = raw.budget as Record<string, unknown> | null | undefined;
  unknownKeys(budget, ['budget'], knownKeys.budget);
  const budgetModels = budget?.models;
  if (budgetModels !== null && typeof budgetModels === 'object' && !Array.isArray(budgetModels)) {
    for (const [name, caps] of Object.entries(budgetModels))
      unknownKeys(caps, ['budget', 'models', name], knownKeys.budgetModel);
  }
  for (const list of ['default', 'custom_limits'] as const) {
    const items = rateLimit?.[list];
    if (!Array.isArray(items)) continue;
    items.forEach((item, index) => unknownKeys(item, ['rate_limit', list, index], knownKeys.rateLimitEntry));
  }

  const ownList = Array.isArray(raw.model_list) ? (raw.model_list as unknown[]) : undefined;
  // A file without model_list (or a typo such as `modle_list`) uses the built-in default entry: its errors name it.
  const builtInModels = raw.model_list == null;
  const entries: ModelEntry[] = [];
  (ownList ?? (builtInModels ? builtInDefaultConfig.model_list : [])).forEach((item, index) => {
    const path = ['model_list', index];
    if (item !== null && typeof item === 'object' && !Array.isArray(item) && !('model_name' in item)) {
      // An anchored item (`- &base`) is a base for `<<: *base`, as in the original; any other is a mistake.
      if (context.anchored?.(path) === true) return;
      return issue(
        path,
        'has no model_name (every entry needs one; an entry used only as a base for `<<: *name` needs an `&name` anchor)',
      );
    }
    const entry = modelEntrySchema.safeParse(item);
    if (!entry.success) return zodIssues(entry.error, path, item);
    unknownKeys(entry.data, path, knownKeys.modelEntry);
    unknownKeys(entry.data.litellm_params, [...path, 'litellm_params'], knownKeys.litellmParams);
    const { model_name: pattern, litellm_params: params } = entry.data;
    if (params.kvcache_tokens != null) {
      const { line, column } = context.locate([...path, 'litellm_params', 'kvcache_tokens'], 'key');
      if (!warned.has(`${line}:${column}:kvcache_tokens`)) {
        warned.add(`${line}:${column}:kvcache_tokens`);
        const keyPath = formatKeyPath([...path, 'litellm_params', 'kvcache_tokens']);
        warnings.push(`${file}:${line}:${column}: ${keyPath} is not supported yet; ignored`);
      }
    }
    for (const key of ['model', 'model_unique_name'] as const) {
      const value = params[key];
      if (value == null || countStars(value) === 0 || countStars(value) === countStars(pattern)) continue;
      const { line, column } = context.locate([...path, 'litellm_params', key]);
      warnings.push(
        `${file}:${line}:${column}: ${formatKeyPath([...path, 'litellm_params', key])} has ${countStars(value)} '*' but model_name '${pattern}' has ${countStars(pattern)}; resolving it will fail`,
      );
    }
    entries.push({ index, pattern, params });
  });
  const fileRedisUrl = rateLimit?.redis_url;
  if (typeof fileRedisUrl === 'string' && !fileRedisUrl.startsWith('os.environ/')) {
    const problem = redisUrlProblem(fileRedisUrl);
    if (problem) issue(['rate_limit', 'redis_url'], problem);
  }
  issues.sort((a, b) => a.line - b.line || a.column - b.column);
  const [firstIssue] = issues;
  if (firstIssue) throw new ConfigSchemaError([firstIssue, ...issues.slice(1)]);
  if (!parsed.success) throw parsed.error; // not reached: each zod issue was added above
  const root = parsed.data;

  const limits: RateLimitSection = {
    defaults: root.rate_limit?.default ?? builtInDefaultLimits,
    customLimits: root.rate_limit?.custom_limits ?? [],
  };
  const redisUrl = resolveRedisUrl(root.rate_limit?.redis_url, context);

  for (const warning of warnings) context.logger.warn(warning);
  const resolveContext = {
    entries,
    limits,
    env: context.env,
    file: builtInModels ? undefined : context.file,
    locate: builtInModels ? () => ({ line: 1, column: 1 }) : context.locate,
    logger: context.logger,
  };
  const resolved = new Map<string, ResolvedModel>();
  return Object.freeze({
    source: context.file,
    home: context.home,
    paths: Object.freeze(homePaths(context.home)),
    redisUrl,
    ledger: Object.freeze({ previews: root.ledger?.previews ?? true }),
    budget: budgetSettings(root.budget),
    warnings: Object.freeze(warnings),
    resolveModel(name: string) {
      let model = resolved.get(name);
      if (!model) {
        model = resolveModelEntry(name, resolveContext);
        resolved.set(name, model);
      }
      return model;
    },
    aliases: () => entries.map((entry) => entry.pattern),
    getEnv: (name: string) => context.env[name],
  });
}

/** `$MAXLLM_REDIS_URL`, else `rate_limit.redis_url` (a literal there was checked with the other issues). */
function resolveRedisUrl(
  fromFile: string | null | undefined,
  context: CreateConfigContext,
): string | undefined {
  const fromEnv = context.env.MAXLLM_REDIS_URL;
  const setting = fromEnv ? 'MAXLLM_REDIS_URL' : 'rate_limit.redis_url';
  const value = fromEnv || fromFile;
  if (!value) return undefined;
  const url = resolveEnvRef(value, { env: context.env, file: context.file, keyPath: setting });
  const problem = redisUrlProblem(url);
  if (problem) {
    throw new InvalidRedisUrlError(
      value === url ? setting : `${setting} (${value.slice('os.environ/'.length)})`,
      problem,
    );
  }
  return url;
}
