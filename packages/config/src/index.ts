export { loadConfig } from './load-config.js';
export type { LoadConfigOptions } from './load-config.js';
export { findConfig } from './find-config.js';
export type { ConfigLocation } from './discover.js';
export { parseConfig } from './parse-config.js';
export type { ParseConfigOptions } from './parse-config.js';
export type { ChatApi, MaxllmConfig, ModelMode, ResolvedModel } from './types.js';
export { DEFAULT_TIMEOUT_MS } from './default-timeout.js';
export { FLEX_TIMEOUT_MS, SERVICE_TIERS } from './service-tier.js';
export type { BudgetCapSetting, BudgetSettings } from './budget-settings.js';
export {
  ConfigError,
  ConfigNotFoundError,
  ConfigParseError,
  ConfigSchemaError,
  InvalidRedisUrlError,
  MissingEnvVarError,
  ModelNotFoundError,
} from './errors.js';
export type { ConfigIssue, SourcePosition } from './errors.js';
export { redactKey, redactUrl, redactUrlsIn } from './redact-key.js';
export { matchScore, findBestMatch } from './match.js';
export type { Logger } from '@maxllm/core';
export { resolveHome, homePaths } from './home.js';
export type { Env, MaxllmPaths, ResolveHomeOptions } from './home.js';
