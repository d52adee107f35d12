export { loadConfig } from './load-config';
export type { LoadConfigOptions } from './load-config';
export { findConfig } from './find-config';
export type { ConfigLocation } from './discover';
export { parseConfig } from './parse-config';
export type { ParseConfigOptions } from './parse-config';
export type { ChatApi, MaxllmConfig, ModelMode, ResolvedModel } from './types';
export { DEFAULT_TIMEOUT_MS } from './default-timeout';
export { FLEX_TIMEOUT_MS, SERVICE_TIERS } from './service-tier';
export type { BudgetCapSetting, BudgetSettings } from './budget-settings';
export {
  ConfigError,
  ConfigNotFoundError,
  ConfigParseError,
  ConfigSchemaError,
  InvalidRedisUrlError,
  MissingEnvVarError,
  ModelNotFoundError,
} from './errors';
export type { ConfigIssue, SourcePosition } from './errors';
export { redactKey, redactUrl, redactUrlsIn } from './redact-key';
export { matchScore, findBestMatch } from './match';
export type { Logger } from '@maxllm/core';
export { resolveHome, homePaths } from './home';
export type { Env, MaxllmPaths, ResolveHomeOptions } from './home';
