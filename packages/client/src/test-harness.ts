import type { Logger } from '@maxllm/core';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMockServer, type MockServer, type MockServerOptions } from '@maxllm/mock-server';
import { createClient } from './client';
import type { ClientOptions, MaxllmClient } from './types';

/** The API key of every test server: it must never show up in an error, a log line or a file. */
export const TEST_API_KEY = 'sk-test-SECRET-0123456789abcdefXYZ';

/** A mock server, a temp MaxLLM home with a config pointing at it, and a client on both. */
export interface Harness {
  server: MockServer;
  client: MaxllmClient;
  home: string;
  configPath: string;
  /** Every line the client logged. */
  logs: string[];
  /** Requests that reached the mock (all routes). */
  requests(): number;
  /** A second client on the same home (cache and ledger files shared). */
  newClient(options?: Partial<ClientOptions>): MaxllmClient;
  close(): Promise<void>;
}

/** Options of {@link startHarness}. */
export interface HarnessOptions {
  mock?: MockServerOptions;
  /** Extra `litellm_params` for every model. */
  params?: Record<string, unknown>;
  /** Extra `model_list` entries (YAML objects); `api_base` / `api_key` are filled in. */
  models?: Array<{ model_name: string; litellm_params: Record<string, unknown> }>;
  client?: Partial<ClientOptions>;
  /** Extra top-level config keys (`rate_limit`, `ledger`). */
  config?: Record<string, unknown>;
}

/** Starts a harness; call `close()` in `afterEach`. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const server = await createMockServer({ apiKey: TEST_API_KEY, ...options.mock });
  const home = await mkdtemp(join(tmpdir(), 'maxllm-client-'));
  const base = {
    api_base: server.url,
    api_key: TEST_API_KEY,
    rpm: 100_000,
    tpm: 100_000_000,
    max_retries: 2,
  };
  const modelList = [
    ...(options.models ?? []).map((entry) => ({
      ...entry,
      litellm_params: { ...base, ...options.params, ...entry.litellm_params },
    })),
    { model_name: '*', litellm_params: { model: null, ...base, ...options.params } },
  ];
  const configPath = join(home, 'maxllm.yaml');
  await writeFile(configPath, JSON.stringify({ ...options.config, model_list: modelList }, null, 2));
  const logs: string[] = [];
  const logger: Logger = {
    debug: (line) => logs.push(line),
    info: (line) => logs.push(line),
    warn: (line) => logs.push(line),
    error: (line) => logs.push(line),
  };
  const clients: MaxllmClient[] = [];
  const newClient = (extra: Partial<ClientOptions> = {}): MaxllmClient => {
    const client = createClient({
      config: configPath,
      home,
      env: {},
      logger,
      random: () => 0.5,
      retryBackoff: { initialMs: 5, maxMs: 20 },
      ...options.client,
      ...extra,
    });
    clients.push(client);
    return client;
  };
  const client = newClient();
  return {
    server,
    client,
    home,
    configPath,
    logs,
    requests: () => server.stats().requests,
    newClient,
    async close() {
      await Promise.all(clients.map((each) => each.close()));
      await server.close();
      await rm(home, { recursive: true, force: true });
    },
  };
}

/** A `fetch` that records every JSON request body and may rewrite JSON response bodies (not a module mock). */
export interface RecordingFetch {
  fetch: typeof fetch;
  /** JSON bodies sent, in order. */
  bodies: Array<Record<string, unknown>>;
}

/** Wraps the global fetch; `rewrite(json, callNumber)` may return a replacement response JSON. */
export function recordingFetch(rewrite?: (json: unknown, call: number) => unknown): RecordingFetch {
  const bodies: Array<Record<string, unknown>> = [];
  const wrapped = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    if (typeof init?.body === 'string') bodies.push(JSON.parse(init.body) as Record<string, unknown>);
    const call = bodies.length;
    const response = await fetch(input, init);
    const type = response.headers.get('content-type') ?? '';
    if (!rewrite || !response.ok || !type.includes('application/json')) return response;
    const json: unknown = await response.json();
    const headers = new Headers(response.headers);
    headers.delete('content-length');
    headers.delete('content-encoding');
    const replaced = rewrite(json, call) ?? json;
    return new Response(JSON.stringify(replaced), { status: response.status, headers });
  };
  return { fetch: wrapped, bodies };
}

/** Sets the first choice's message content of a chat completion JSON. */
export function withContent(json: unknown, content: string): unknown {
  const copy = structuredClone(json) as { choices: Array<{ message: { content: string } }> };
  copy.choices[0]!.message.content = content;
  return copy;
}
