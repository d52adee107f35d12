/**
 * maxllm/testing: what a user's tests and CI need to run MaxLLM code without a provider or real time: an
 * OpenAI-compatible mock server and a manual clock. Re-exported by name, like the main entry (see its comment); the
 * README's "What `maxllm/testing` exports" has one section per `// ##` group.
 * @packageDocumentation
 */

// ## Mock server
export {
  createMockServer,
  FAULT_KINDS,
  isFaultKind,
  MockServerError,
  MockServerOptionsError,
  MockRequestError,
} from '@maxllm/mock-server';
export type {
  MockServer,
  MockServerOptions,
  ModelOptions,
  FaultOptions,
  FaultKind,
  LatencyOptions,
  OutputOptions,
  MockStats,
  MockModelStats,
} from '@maxllm/mock-server';

// ## Manual clock
export { createManualClock } from '@maxllm/core';
export type { ManualClock } from '@maxllm/core';
