export { createMockServer } from './server';
export type {
  FaultOptions,
  LatencyOptions,
  MockModelStats,
  MockServer,
  MockServerOptions,
  MockStats,
  ModelOptions,
  OutputOptions,
} from './options';
export { FAULT_KINDS, isFaultKind, type FaultKind } from './fault-kinds';
export type { Clock } from '@maxllm/core';
export { MockServerError, MockServerOptionsError, MockRequestError } from './errors';
export { formatDuration } from './duration';
export { runMockServerCli } from './run-cli';
