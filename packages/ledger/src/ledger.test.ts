import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ledgerColumns } from './columns';
import { LedgerClosedError, LedgerError } from './errors';
import { createLedger } from './ledger';
import { manualClock, memoryLogger, readCsv, sampleCall, tempDir } from './test-helpers';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

describe('createLedger', () => {
  it('buffers rows, writes them on the timer with one header, and prices them', async () => {
    const clock = manualClock();
    const path = join(dir, 'logs', 'openai_calls.csv');
    const ledger = createLedger({ path, clock, logger: memoryLogger() });
    const cost = ledger.record(
      sampleCall({ latencyMs: 1234.5, requestId: 'req_123', estimatedInputTokens: 990 }),
    );
    // 800 * 2/M + 200 * 0.5/M = 0.0017; 500 * 8/M = 0.004
    expect(cost.totalUsd).toBeCloseTo(0.0057, 12);
    await expect(stat(path)).rejects.toThrow();
    expect(clock.pending()).toBe(1);
    clock.fire();
    await ledger.flush();
    ledger.record(sampleCall({ cacheHit: true, batch: true }));
    await ledger.close();

    const { header, rows } = await readCsv(path);
    expect(header).toEqual([...ledgerColumns]);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      timestamp: '2026-01-02T03:04:05.000Z',
      model: 'gpt-test',
      unique_name: 'test-model',
      prompt_preview: 'hello',
      completion_preview: 'world',
      input_tokens: '1000',
      output_tokens: '500',
      total_tokens: '1500',
      cached_input_tokens: '200',
      reasoning_tokens: '100',
      estimated_input_tokens: '990',
      estimated_output_tokens: '',
      cost_input_usd: '0.0017',
      cost_output_usd: '0.004',
      cost_total_usd: '0.0057',
      latency_sec: '1.2345',
      cache_hit: 'no',
      batch: 'no',
      status: 'ok',
      request_id: 'req_123',
      price_source: 'config',
    });
    expect(rows[1]).toMatchObject({ cache_hit: 'yes', batch: 'yes', cost_total_usd: '0.00285' });
  });

  it('arms one timer for many rows and writes early once the buffer is large, without the timer', async () => {
    const clock = manualClock();
    const path = join(dir, 'ledger.csv');
    const ledger = createLedger({ path, clock });
    for (let index = 0; index < 10; index += 1) ledger.record(sampleCall());
    expect(clock.pending()).toBe(1);
    const prompt = 'p'.repeat(80);
    for (let index = 0; index < 1000; index += 1)
      ledger.record(sampleCall({ prompt, completion: prompt, systemPrompt: prompt }));
    await vi.waitFor(() => stat(path), { timeout: 10_000 });
    await ledger.close();
    expect((await readCsv(path)).rows).toHaveLength(1010);
  });

  it('writes the header once across ledgers and flushes', async () => {
    const path = join(dir, 'ledger.csv');
    for (let round = 0; round < 3; round += 1) {
      const ledger = createLedger({ path });
      ledger.record(sampleCall());
      await ledger.close();
    }
    const { lines, rows } = await readCsv(path);
    expect(lines.filter((line) => line.startsWith('timestamp,'))).toHaveLength(1);
    expect(rows).toHaveLength(3);
  });

  it('flattens newlines and cuts previews to 80 characters; previews: false leaves them empty', async () => {
    const path = join(dir, 'ledger.csv');
    const long = 'line one\nline two,\r\n"quoted"\t' + 'x'.repeat(200);
    const on = createLedger({ path });
    on.record(sampleCall({ systemPrompt: 'be brief\nplease', prompt: long, completion: '😀'.repeat(100) }));
    await on.close();
    const off = createLedger({ path, previews: false });
    off.record(
      sampleCall({ systemPrompt: 'secret system', prompt: 'secret prompt', completion: 'secret answer' }),
    );
    await off.close();

    const { rows } = await readCsv(path);
    expect(rows[0]!.system_prompt_preview).toBe('be brief please');
    expect(rows[0]!.prompt_preview).toBe(('line one line two,  "quoted" ' + 'x'.repeat(200)).slice(0, 80));
    expect(Array.from(rows[0]!.completion_preview ?? '')).toHaveLength(80);
    expect(rows[1]).toMatchObject({ system_prompt_preview: '', prompt_preview: '', completion_preview: '' });
    expect(await readFile(path, 'utf8')).not.toContain('secret');
  });

  it('writes rows byte for byte as before: quoted fields, unsafe tokens, estimated tokens, repeated rows', async () => {
    const clock = manualClock();
    const path = join(dir, 'ledger.csv');
    const ledger = createLedger({ path, clock, logger: memoryLogger() });
    const calls = [
      sampleCall({ latencyMs: 1234.5, requestId: 'req_1', callId: 'run:out.jsonl:7', serviceTier: 'flex' }),
      sampleCall({ callId: 'not safe #1', serviceTier: 'default', timestamp: new Date(0) }),
      sampleCall({ model: 'gpt,"odd"\nmodel', uniqueName: 'a,b', prompt: 'x, "y"\nz', completion: 'c"d' }),
      sampleCall({
        cacheHit: true,
        usage: undefined,
        estimatedOutputTokens: 12.6,
        status: 'Bad status, with key sk-1',
      }),
      sampleCall({
        usage: { inputTokens: 3, outputTokens: 4, estimated: true },
        batch: true,
        prices: undefined,
      }),
      sampleCall({ cacheHit: true }),
      sampleCall({ cacheHit: true }),
    ];
    for (const call of calls) ledger.record(call);
    await ledger.close();
    const lines = (await readFile(path, 'utf8')).split(/(?<=\n)/).slice(1);
    // What the ledger wrote for these calls before rows were built without a row object (csvLine of toRow).
    const expected = [
      '2026-01-02T03:04:05.000Z,gpt-test,,hello,world,1000,500,,,1500,,,,1.2345,test-model,200,100,no,no,ok,req_1,config,0,flex,run:out.jsonl:7\n',
      '1970-01-01T00:00:00.000Z,gpt-test,,hello,world,1000,500,,,1500,0.0017,0.004,0.0057,,test-model,200,100,no,no,ok,,config,0,default,\n',
      '2026-01-02T03:04:05.000Z,"gpt,""odd"" model",,"x, ""y"" z","c""d",1000,500,,,1500,0.0017,0.004,0.0057,,"a,b",200,100,no,no,ok,,config,0,,\n',
      '2026-01-02T03:04:05.000Z,gpt-test,,hello,world,,,,13,,,,,,test-model,,,yes,no,error,,config,,,\n',
      '2026-01-02T03:04:05.000Z,gpt-test,,hello,world,3,4,,,7,,,,,test-model,0,0,no,yes,ok,,unknown; estimated tokens,0,batch,\n',
      '2026-01-02T03:04:05.000Z,gpt-test,,hello,world,1000,500,,,1500,0.0017,0.004,0.0057,,test-model,200,100,yes,no,ok,,config,0,,\n',
      '2026-01-02T03:04:05.000Z,gpt-test,,hello,world,1000,500,,,1500,0.0017,0.004,0.0057,,test-model,200,100,yes,no,ok,,config,0,,\n',
    ];
    expect(lines).toEqual(expected);
  });

  it('warns once per unknown model and leaves its cost cells empty, never 0', async () => {
    const logger = memoryLogger();
    const path = join(dir, 'ledger.csv');
    const ledger = createLedger({ path, logger });
    const unknown = { model: 'no-such-model-xyz', uniqueName: 'mystery', prices: undefined };
    expect(ledger.record(sampleCall(unknown)).totalUsd).toBeUndefined();
    ledger.record(sampleCall(unknown));
    ledger.record(sampleCall({ ...unknown, uniqueName: 'mystery-2' }));
    await ledger.close();
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]).toContain('no-such-model-xyz');
    const { rows } = await readCsv(path);
    for (const row of rows) {
      expect(row).toMatchObject({
        cost_input_usd: '',
        cost_output_usd: '',
        cost_total_usd: '',
        price_source: 'unknown',
      });
    }
    expect(ledger.status('mystery').mystery).toMatchObject({ totalCalls: 2, unpricedCalls: 2, costUsd: 0 });
  });

  it('applies changed overrides for the same model, compared by value', async () => {
    const ledger = createLedger({ path: join(dir, 'ledger.csv') });
    const usage = { inputTokens: 1_000_000, outputTokens: 0 };
    expect(ledger.record(sampleCall({ usage, prices: { inputPerMillion: 2 } })).totalUsd).toBeCloseTo(2, 12);
    expect(ledger.record(sampleCall({ usage, prices: { inputPerMillion: 2 } })).totalUsd).toBeCloseTo(2, 12);
    expect(ledger.record(sampleCall({ usage, prices: { inputPerMillion: 4 } })).totalUsd).toBeCloseTo(4, 12);
    await ledger.close();
  });

  it('sees a change to the same overrides object, and reuses a frozen one', async () => {
    const ledger = createLedger({ path: join(dir, 'ledger.csv') });
    const usage = { inputTokens: 1_000_000, outputTokens: 0 };
    const prices = { inputPerMillion: 2 };
    expect(ledger.record(sampleCall({ usage, prices })).totalUsd).toBeCloseTo(2, 12);
    prices.inputPerMillion = 3;
    expect(ledger.record(sampleCall({ usage, prices })).totalUsd).toBeCloseTo(3, 12);
    const frozen = Object.freeze({ inputPerMillion: 5 });
    expect(ledger.record(sampleCall({ usage, prices: frozen })).totalUsd).toBeCloseTo(5, 12);
    expect(ledger.record(sampleCall({ usage, prices: frozen })).totalUsd).toBeCloseTo(5, 12);
    expect(ledger.record(sampleCall({ usage, prices: frozen, model: 'gpt-4o' })).totalUsd).toBeCloseTo(5, 12);
    await ledger.close();
  });

  it('uses the price data package when no override is given', async () => {
    const path = join(dir, 'ledger.csv');
    const ledger = createLedger({ path });
    const cost = ledger.record(
      sampleCall({
        model: 'gpt-4o-mini',
        prices: undefined,
        usage: { inputTokens: 1_000_000, outputTokens: 0 },
      }),
    );
    await ledger.close();
    expect(cost.totalUsd).toBeCloseTo(0.15, 9);
    const { rows } = await readCsv(path);
    expect(rows[0]!.price_source).toMatch(/^@pydantic\/genai-prices@/);
  });

  it('writes only documented columns, and an error status is a type, never a message with a key', async () => {
    const path = join(dir, 'ledger.csv');
    const key = 'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789';
    const ledger = createLedger({ path });
    const withKey = { ...sampleCall(), apiKey: key, headers: { Authorization: `Bearer ${key}` } };
    ledger.record(withKey);
    ledger.record(
      sampleCall({ status: `401 Incorrect API key provided: ${key}`, requestId: `Bearer ${key}` }),
    );
    ledger.record(sampleCall({ status: key }));
    ledger.record(sampleCall({ status: 'AuthenticationError', usage: undefined }));
    await ledger.close();
    const text = await readFile(path, 'utf8');
    expect(text).not.toContain('sk-');
    expect(text).not.toMatch(/bearer|authorization/i);
    const { header, rows } = await readCsv(path);
    expect(header).toEqual([...ledgerColumns]);
    expect(rows.map((row) => row.status)).toEqual(['ok', 'error', 'error', 'AuthenticationError']);
  });

  it('keeps call status per unique name: hits, misses, errors, tokens, spent and saved cost, hit rate', async () => {
    const ledger = createLedger({ path: join(dir, 'ledger.csv') });
    ledger.record(sampleCall());
    ledger.record(sampleCall({ cacheHit: true }));
    ledger.record(sampleCall({ cacheHit: true }));
    ledger.record(sampleCall({ status: 'APIConnectionError', usage: undefined }));
    ledger.record(sampleCall({ uniqueName: 'other' }));
    const status = ledger.status('test-model');
    expect(Object.keys(status)).toEqual(['test-model']);
    expect(status['test-model']).toMatchObject({
      totalCalls: 4,
      cacheHits: 2,
      cacheMisses: 1,
      errors: 1,
      hitInputTokens: 2000,
      hitCachedInputTokens: 400,
      hitOutputTokens: 1000,
      hitReasoningTokens: 200,
      missInputTokens: 1000,
      missOutputTokens: 500,
      unpricedCalls: 0,
    });
    expect(status['test-model']!.costUsd).toBeCloseTo(0.0057, 12);
    expect(status['test-model']!.savedUsd).toBeCloseTo(0.0114, 12);
    expect(status['test-model']!.hitRate).toBeCloseTo(2 / 3, 12);
    expect(Object.keys(ledger.status()).sort()).toEqual(['other', 'test-model']);
    expect(ledger.status('never-called')).toEqual({});
    await ledger.close();
  });

  it('rejects record() after close() with a typed error', async () => {
    const ledger = createLedger({ path: join(dir, 'ledger.csv') });
    await ledger.close();
    const error = (() => {
      try {
        ledger.record(sampleCall());
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(LedgerClosedError);
    expect(LedgerError.isInstance(error)).toBe(true);
  });

  it('rejects flush() with LedgerWriteError when the file cannot be written', async () => {
    const ledger = createLedger({ path: join(dir, 'missing-parent-is-a-file', 'x.csv') });
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(dir, 'missing-parent-is-a-file'), 'not a directory');
    ledger.record(sampleCall());
    await expect(ledger.flush()).rejects.toMatchObject({ name: 'LedgerWriteError', rows: 1 });
    await expect(ledger.close()).rejects.toMatchObject({ name: 'LedgerWriteError', rows: 1 });
  });
});
