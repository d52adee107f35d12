/**
 * Test-only harness: a mock server, a fresh MaxLLM home, the real cache and ledger, and an SDK factory that counts
 * HTTP requests. Not exported from the package.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createResponseCache } from '@maxllm/cache';
import { createLedger, parseCsvLine } from '@maxllm/ledger';
import { createMockServer } from '@maxllm/mock-server';
import type { ManualClock } from '@maxllm/mock-server';
import OpenAI from 'openai';
import type { BatchConfig, BatchModel } from './dependencies';
import { openBatch } from './open-batch';
import type { BatchHandle, OpenBatchOptions } from './open-batch';

/** Prices used by every test model. @unit USD per 1M tokens */
export const testPrices = { inputPerMillion: 2, outputPerMillion: 8 };

export type Harness = Awaited<ReturnType<typeof createHarness>>;

export async function createHarness(options: { stepMs?: number; clock?: ManualClock } = {}) {
  const server = await createMockServer({
    batch: { stepMs: options.stepMs ?? 5 },
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const home = await mkdtemp(join(tmpdir(), 'maxllm-batch-'));
  const model = (alias: string, mode: BatchModel['mode'], id: string): BatchModel & { apiKey: string } => ({
    alias,
    model: id,
    uniqueName: id,
    apiBase: server.url,
    apiKey: 'sk-test-secret-key-1234',
    mode,
    prices: testPrices,
  });
  const models: Record<string, BatchModel> = {
    chat: model('chat', 'chat', 'gpt-4o-mini'),
    embed: model('embed', 'embedding', 'text-embedding-3-small'),
  };
  const config: BatchConfig = {
    paths: { batch: join(home, 'batch') },
    resolveModel: (name) => {
      const found = models[name];
      if (!found) throw new Error(`unknown model ${name}`);
      return found;
    },
  };
  const cache = createResponseCache({ dir: join(home, 'cache') });
  const ledgerPath = join(home, 'logs', 'openai_calls.csv');
  const ledger = createLedger({ path: ledgerPath });
  let httpRequests = 0;
  const countingFetch: typeof fetch = (input, init) => {
    httpRequests += 1;
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
