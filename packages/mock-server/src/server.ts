import { systemClock } from '@maxllm/core';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BatchStore } from './batch-store';
import { MockServerOptionsError } from './errors';
import { FaultPlanner } from './faults';
import { FileStore } from './file-store';
import { GENERATORS, bodyModel } from './generation';
import { handlerContext } from './handler-context';
import { newRequestId } from './ids';
import type { MockServer, MockServerOptions } from './options';
import { createRandom } from './random';
import { dispatch } from './router';
import type { ServerState } from './state';
import { StatsRecorder } from './stats';

function checkOptions(options: MockServerOptions): void {
  const rates = { ...options.limits };
  const sizes = { windowMs: options.windowMs, quantumMs: options.quantumMs, port: options.port };
  for (const [name, value] of Object.entries({ ...rates, ...sizes })) {
    if (value !== undefined && (!Number.isFinite(value) || value < 0)) {
      throw new MockServerOptionsError(
        `Option '${name}' must be a non-negative number, got ${String(value)}.`,
      );
    }
  }
  for (const [name, rate] of Object.entries(options.faults ?? {})) {
    if (typeof rate === 'number' && (rate < 0 || rate > 1)) {
      throw new MockServerOptionsError(`Option 'faults.${name}' must be between 0 and 1, got ${rate}.`);
    }
  }
}

/**
 * Starts an OpenAI-compatible server on loopback. Resolves once it listens; `url` includes `/v1`.
 * @throws MockServerOptionsError for invalid options
 */
export async function createMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  checkOptions(options);
  const clock = options.clock ?? systemClock;
  const seed = options.seed ?? 0;
  const files = new FileStore();
  const state: ServerState = {
    options,
    seed,
    clock,
    windowMs: options.windowMs ?? 60_000,
    windows: new Map(),
    quanta: new Map(),
    faults: new FaultPlanner(createRandom(seed ^ 0x5eed)),
    latencyRandom: createRandom(seed ^ 0x1a7e),
    stats: new StatsRecorder(),
    files,
    batches: undefined as unknown as BatchStore,
    cachedPrompts: new Set(),
    pending: new Set(),
    timers: new Set(),
  };
  state.batches = new BatchStore(files, clock, options.batch?.stepMs ?? 200, (endpoint, body) => {
    state.stats.batchLine();
    const context = handlerContext(state, bodyModel(body));
    const result = GENERATORS[endpoint]!(body, context);
    context.remember();
    return {
      body: result.response,
      promptTokens: result.promptTokens,
      completionTokens: result.completionTokens,
    };
  });

  const server = createServer((request, response) => {
    const started = Date.now();
    // When the request arrived (its headers were read): the time its rate limits count it at.
    const arrivedAt = clock.now();
    response.setHeader('x-request-id', newRequestId());
    response.setHeader('openai-version', '2020-10-01');
    response.setHeader('openai-organization', 'org-mock');
    const writeHead = response.writeHead.bind(response);
    response.writeHead = ((...args: Parameters<typeof response.writeHead>) => {
      if (!response.headersSent) response.setHeader('openai-processing-ms', String(Date.now() - started));
      return writeHead(...args);
    }) as typeof response.writeHead;
    dispatch(request, response, state, arrivedAt).catch(() => response.destroy());
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closed: Promise<void> | undefined;

  return {
    url: `http://${host}:${address.port}/v1`,
    port: address.port,
    close() {
      closed ??= new Promise<void>((resolve) => {
        state.batches.close();
        for (const handle of state.timers) clock.clearTimeout(handle);
        state.timers.clear();
        for (const response of state.pending) response.destroy();
        state.pending.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
    stats: () => state.stats.snapshot(),
    reset() {
      state.stats.reset();
      for (const window of state.windows.values()) window.clear();
      for (const quantum of state.quanta.values()) quantum?.clear();
    },
    enqueueFaults(faults) {
      state.faults.enqueue(faults);
    },
  };
}
