import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { readLedgerRows } from '@maxllm/ledger';
import { createMockServer, type MockServer } from '@maxllm/mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHome, type TestHome } from './test-env';
import { cleanEnv, cliPath, ensureBuilt } from './test-support';

/**
 * A proxy in front of the mock that counts, per prompt, the requests the mock answered: each one is a paid call.
 * (The mock's own stats count per model, not per prompt.)
 */
async function countingProxy(
  target: string,
): Promise<{ server: Server; url: string; paid: Map<string, number> }> {
  const paid = new Map<string, number>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      void fetch(`${target}${request.url?.replace(/^\/v1/, '') ?? ''}`, {
        method: request.method,
        headers: { 'content-type': 'application/json', authorization: request.headers.authorization ?? '' },
        ...(body.length > 0 ? { body } : {}),
      })
        .then(async (answer) => {
          const text = await answer.text();
          if (answer.status === 200 && body.length > 0) {
            const messages = (
              JSON.parse(body.toString('utf8')) as { messages?: Array<{ content?: unknown }> }
            ).messages;
            const content = messages?.at(-1)?.content;
            const prompt = typeof content === 'string' ? content : '';
            paid.set(prompt, (paid.get(prompt) ?? 0) + 1);
          }
          response.writeHead(answer.status, { 'content-type': 'application/json' });
          response.end(text);
        })
        .catch(() => {
          response.writeHead(502);
          response.end();
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, paid };
}

let mock: MockServer;
let proxy: Awaited<ReturnType<typeof countingProxy>>;
let test: TestHome;

beforeAll(async () => {
  ensureBuilt();
  // 50 ms per answer at 16 in flight: a run writes a few hundred answers per second, so kills land mid-run.
  mock = await createMockServer({ output: { meanTokens: 8 } });
  proxy = await countingProxy(mock.url);
  test = createTestHome(proxy.url, {
    rpm: 1_000_000,
  });
}, 300_000);
afterAll(async () => {
  await new Promise((resolve) => proxy.server.close(resolve));
  await mock.close();
});

/** Answered line indices of the output file (a torn last line is not an answer). */
function answeredLines(path: string): number[] {
  if (!existsSync(path)) return [];
  const indices: number[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    try {
      const value = JSON.parse(line) as { index?: number; result?: unknown };
      if (typeof value.index === 'number' && value.result !== undefined) indices.push(value.index);
    } catch {
      // torn by the kill
    }
  }
  return indices;
}

/** Per line index: its ok rows, and whether one of them was paid (not a cache hit). */
async function ledgerRowsByLine(path: string): Promise<Map<number, { rows: number; paid: boolean }>> {
  const byLine = new Map<number, { rows: number; paid: boolean }>();
  for await (const row of readLedgerRows(path, { logger: { warn: () => {} } })) {
    const match = /^run:[^:]+:(\d+)$/.exec(row.call_id);
    if (match === null || row.status !== 'ok') continue;
    const index = Number(match[1]);
    const entry = byLine.get(index) ?? { rows: 0, paid: false };
    entry.rows += 1;
    entry.paid ||= row.cache_hit === 'no';
    byLine.set(index, entry);
  }
  return byLine;
}

function sizeOf(path: string): number {
  return existsSync(path) ? statSync(path).size : 0;
}

/**
 * Starts `maxllm run` and SIGKILLs it at a random moment: during start-up (`early`), or a random 0–400 ms after its
 * output starts growing (answers being written). Resolves whether it was killed (false: it finished first).
 */
function runAndKill(args: string[], output: string, mode: 'early' | 'writing' | 'never'): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      env: cleanEnv(test.env),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const kill = (): boolean => child.kill('SIGKILL');
    const timers: NodeJS.Timeout[] = [];
    if (mode === 'early') timers.push(setTimeout(kill, Math.floor(Math.random() * 800)));
    if (mode === 'writing') {
      const start = sizeOf(output);
      const poll = setInterval(() => {
        if (sizeOf(output) === start) return;
        clearInterval(poll);
        timers.push(setTimeout(kill, Math.floor(Math.random() * 400)));
      }, 10);
      timers.push(poll);
    }
    child.on('error', reject);
    child.on('close', (code, signal) => {
      for (const timer of timers) clearTimeout(timer);
      if (signal !== 'SIGKILL' && code !== 0) reject(new Error(`maxllm run exited ${code}: ${stderr}`));
      else resolve(signal === 'SIGKILL');
    });
  });
}

describe('maxllm run killed with SIGKILL at random moments', () => {
  it(
    'never leaves an answer without exactly one ledger row, and never pays twice for a recorded call',
    { timeout: 600_000 },
    async () => {
      const lineCount = 3000;
      const input = join(test.root, 'kill-input.jsonl');
      const output = join(test.root, 'kill-output.jsonl');
      const ledger = join(test.home, 'logs', 'openai_calls.csv');
      writeFileSync(
        input,
        Array.from({ length: lineCount }, (_, index) => JSON.stringify(`kill line ${index}`)).join('\n') +
          '\n',
      );
      const args = ['run', input, '-o', output, '--concurrency', '16'];
      /** Paid count of each prompt when its call was first seen recorded (a row or an answer). */
      const protectedPaid = new Map<string, number>();
      let kills = 0;
      for (let attempt = 0; kills < 20 && attempt < 40; attempt += 1) {
        if (!(await runAndKill(args, output, attempt % 4 === 3 ? 'early' : 'writing'))) continue;
        kills += 1;
        const answered = answeredLines(output);
        const rows = await ledgerRowsByLine(ledger);
        // Deliver 2: every answer in the output has exactly one row.
        for (const index of answered)
          expect(rows.get(index)?.rows, `line ${index} after kill ${kills}`).toBe(1);
        // Every recorded call (a paid row or an answer) must never be paid for again.
        for (const index of new Set([
          ...answered,
          ...[...rows].filter(([, entry]) => entry.paid).map(([i]) => i),
        ])) {
          const prompt = `kill line ${index}`;
          if (!protectedPaid.has(prompt)) protectedPaid.set(prompt, proxy.paid.get(prompt) ?? 0);
        }
      }
      expect(kills).toBeGreaterThanOrEqual(20);

      // The last re-run finishes.
      expect(await runAndKill(args, output, 'never')).toBe(false);
      const answered = answeredLines(output);
      expect(new Set(answered).size).toBe(lineCount);
      expect(answered).toHaveLength(lineCount);
      const rows = await ledgerRowsByLine(ledger);
      for (let index = 0; index < lineCount; index += 1) {
        expect(rows.get(index)?.rows, `line ${index}`).toBe(1);
      }
      for (const [prompt, paidThen] of protectedPaid) {
        expect(proxy.paid.get(prompt), `${prompt} was paid for again after it was recorded`).toBe(paidThen);
      }
      expect(protectedPaid.size).toBeGreaterThan(0);
    },
  );
});
