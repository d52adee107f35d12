/**
 * Test-only harness: a mock server, a fresh MaxLLM home, the real cache and ledger, and an SDK factory that counts
 * HTTP requests. Not exported from the package.
 */
import type { ManualClock } from '@maxllm/core';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createResponseCache } from '@maxllm/cache';
import { parseConfig } from '@maxllm/config';
import { createLedger, parseCsvLine } from '@maxllm/ledger';
import { createMockServer } from '@maxllm/mock-server';
import OpenAI from 'openai';
import type { BatchModel } from './dependencies';
import { openBatch } from './open-batch';
import type { BatchHandle, OpenBatchOptions } from './batch-handle';

/** API key of the test models: it must never appear in a workspace file. */
export const testApiKey = 'sk-test-secret-key-1234';

/** Prices used by every test model. @unit USD per 1M tokens */
export const testPrices = { inputPerMillion: 2, outputPerMillion: 8 };

export type Harness = Awaited<ReturnType<typeof createHarness>>;

export async function createHarness(options: { stepMs?: number; clock?: ManualClock } = {}) {
  const server = await createMockServer({
    batch: { stepMs: options.stepMs ?? 5 },
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const home = await mkdtemp(join(tmpdir(), 'maxllm-batch-'));
  const config = parseConfig(
    [
      'model_list:',
      ...[
        ['chat', 'gpt-4o-mini', 'chat'],
        ['embed', 'text-embedding-3-small', 'embedding'],
        ['resp', 'gpt-5-mini', 'chat', 'api: responses'],
        ['resp-flex', 'gpt-5-mini', 'chat', 'api: responses', 'service_tier: flex'],
      ].flatMap(([alias, id, mode, ...extra]) => [
        `  - model_name: ${alias}`,
        '    litellm_params:',
        `      model: ${id}`,
        `      mode: ${mode}`,
        ...extra.map((line) => `      ${line}`),
        `      api_base: ${server.url}`,
        `      api_key: ${testApiKey}`,
        `      input_cost_per_million: ${testPrices.inputPerMillion}`,
        `      output_cost_per_million: ${testPrices.outputPerMillion}`,
      ]),
    ].join('\n'),
    join(home, 'maxllm.yaml'),
    { env: { MAXLLM_HOME: home }, homeDir: home, cwd: home },
  );
  const cache = createResponseCache({ dir: join(home, 'cache') });
  const ledgerPath = join(home, 'logs', 'openai_calls.csv');
  const ledger = createLedger({ path: ledgerPath });
  let httpRequests = 0;
  let failures = { pattern: /$^/, left: 0 };
  const countingFetch: typeof fetch = (input, init) => {
    httpRequests += 1;
    const url = input instanceof Request ? input.url : String(input);
    if (failures.left > 0 && failures.pattern.test(`${init?.method ?? 'GET'} ${url}`)) {
      failures.left -= 1;
      return Promise.reject(new TypeError('fetch failed (injected)'));
    }
    return fetch(input, init);
  };
  const createOpenAI = (target: BatchModel): OpenAI =>
    new OpenAI({
      apiKey: 'sk-test-secret-key-1234',
      baseURL: target.apiBase,
      maxRetries: 0,
      fetch: countingFetch,
    });

  return {
    server,
    home,
    config,
    cache,
    ledger,
    createOpenAI,
    /** Makes the next `count` requests whose `METHOD url` matches `pattern` fail as network errors. */
    failNext(pattern: RegExp, count: number): void {
      failures = { pattern, left: count };
    },
    /** HTTP requests made through `createOpenAI` clients so far. */
    httpRequests: () => httpRequests,
    open(extra: Partial<OpenBatchOptions> = {}): Promise<BatchHandle> {
      return openBatch({ model: 'chat', config, cache, ledger, createOpenAI, ...extra });
    },
    /** Ledger CSV rows as objects. */
    async ledgerRows(): Promise<Record<string, string>[]> {
      await ledger.flush();
      let text: string;
      try {
        text = await readFile(ledgerPath, 'utf8');
      } catch {
        return [];
      }
      const [header, ...lines] = text.split('\n').filter((line) => line !== '');
      const names = parseCsvLine(header!) ?? [];
      return lines.map((line) => {
        const cells = parseCsvLine(line) ?? [];
        return Object.fromEntries(names.map((name, index) => [name, cells[index] ?? '']));
      });
    },
    async close(): Promise<void> {
      await ledger.close();
      await server.close();
    },
  };
}
