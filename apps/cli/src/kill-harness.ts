/**
 * Test-only helpers of the SIGKILL tests (`*-kill.test.ts`): a proxy that counts paid calls per prompt, a process
 * killed at a random moment, and readers of what it left (answered output lines, ledger rows per line).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readLedgerRows, type LedgerRow } from '@maxllm/ledger';
import { createMockServer, type MockServer } from '@maxllm/mock-server';
import { expect } from 'vitest';
import { createTestHome, type TestHome } from './test-env';
import { cleanEnv } from './test-support';

/** A proxy in front of the mock, counting per prompt the answered chat requests: each one is a paid call. */
export interface CountingProxy {
  server: Server;
  /** Base URL (with `/v1`) to put in the config instead of the mock's. */
  url: string;
  /** Paid calls per prompt (the last message's text). */
  paid: Map<string, number>;
}

/** Starts a {@link CountingProxy} in front of `target` (the mock's URL). The mock's own stats count per model only. */
export async function countingProxy(target: string): Promise<CountingProxy> {
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

/** A fast mock, a {@link CountingProxy} in front of it and a test home whose models point at the proxy. */
export interface KillBench {
  mock: MockServer;
  proxy: CountingProxy;
  test: TestHome;
  close(): Promise<void>;
}

/**
 * Starts a {@link KillBench}: the mock answers in about 50 ms, so 16 requests in flight write a few hundred answers
 * per second and kills land mid-run.
 */
export async function startKillBench(): Promise<KillBench> {
  const mock = await createMockServer({ output: { meanTokens: 8 } });
  const proxy = await countingProxy(mock.url);
  const test = createTestHome(proxy.url, { rpm: 1_000_000 });
  return {
    mock,
    proxy,
    test,
    async close() {
      await new Promise((resolve) => proxy.server.close(resolve));
      await mock.close();
    },
  };
}

/** Answered line indices of an output JSONL (`{ index, result }` lines; a torn last line is not an answer). */
export function answeredLines(path: string): number[] {
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

/** Ok rows of one line, and whether one of them was paid (not a cache hit). */
export interface LineRows {
  rows: number;
  paid: boolean;
}

/**
 * Per line index: its `ok` ledger rows. `lineOf` reads a row's line index (from its `call_id`, or its prompt preview),
 * `undefined` for a row of no line.
 */
export async function ledgerRowsByLine(
  path: string,
  lineOf: (row: LedgerRow) => number | undefined,
): Promise<Map<number, LineRows>> {
  const byLine = new Map<number, LineRows>();
  if (!existsSync(path)) return byLine;
  for await (const row of readLedgerRows(path, { logger: { warn: () => {} } })) {
    const index = lineOf(row);
    if (index === undefined || row.status !== 'ok') continue;
    const entry = byLine.get(index) ?? { rows: 0, paid: false };
    entry.rows += 1;
    entry.paid ||= row.cache_hit === 'no';
    byLine.set(index, entry);
  }
  return byLine;
}

/** The line index a `call_id` of the form `<prefix><index>` names, for {@link ledgerRowsByLine}. */
export function callIdLine(pattern: RegExp): (row: { call_id: string }) => number | undefined {
  return (row) => {
    const match = pattern.exec(row.call_id);
    return match === null ? undefined : Number(match[1]);
  };
}

function sizeOf(path: string): number {
  return existsSync(path) ? statSync(path).size : 0;
}

/** When {@link runAndKill} kills: during start-up, a moment after the output starts growing, or never. */
export type KillMoment = 'early' | 'writing' | 'never';

/**
 * Runs `node <args>` and SIGKILLs it at a random moment: during start-up (`early`, 0–`earlyMs` ms), or 0–400 ms
 * after `output` starts growing (`writing`). Resolves whether it was killed (false: it finished first, exit 0).
 */
export function runAndKill(
  args: readonly string[],
  env: Record<string, string>,
  output: string,
  moment: KillMoment,
  earlyMs = 800,
): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: cleanEnv(env), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const kill = (): boolean => child.kill('SIGKILL');
    const timers: NodeJS.Timeout[] = [];
    if (moment === 'early') timers.push(setTimeout(kill, Math.floor(Math.random() * earlyMs)));
    if (moment === 'writing') {
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
      if (signal !== 'SIGKILL' && code !== 0)
        reject(new Error(`${args.join(' ')} exited ${code}: ${stderr}`));
      else resolve(signal === 'SIGKILL');
    });
  });
}

/** What {@link killRepeatedly} checks. */
export interface KillCheck {
  /** Starts the run once, killing it at `moment`; resolves whether it was killed. */
  run(moment: KillMoment): Promise<boolean>;
  /** The output JSONL. */
  output: string;
  /** The ledger CSV. */
  ledger: string;
  /** The line index of a ledger row (see {@link ledgerRowsByLine}). */
  lineOf: (row: LedgerRow) => number | undefined;
  /** Lines in the input. */
  lineCount: number;
  /** The prompt of line `index`, as {@link CountingProxy.paid} counts it. */
  promptOf(index: number): string;
  /** Paid calls per prompt, counted by a proxy in front of the mock. */
  paid: ReadonlyMap<string, number>;
  /** Kills to make. @default 20 */
  kills?: number;
}

/**
 * Kills `check.run` at random moments (every fourth during start-up) until `kills` kills landed, checking after each
 * that every answer in the output has exactly one ok ledger row; then lets one run finish and checks that every line
 * has exactly one answer and one row, and that no call once recorded (a paid row, or an answer) was paid again.
 */
export async function killRepeatedly(check: KillCheck): Promise<void> {
  const wanted = check.kills ?? 20;
  /** Paid count of each prompt when its call was first seen recorded (a row or an answer). */
  const protectedPaid = new Map<string, number>();
  let kills = 0;
  for (let attempt = 0; kills < wanted && attempt < wanted * 2; attempt += 1) {
    if (!(await check.run(attempt % 4 === 3 ? 'early' : 'writing'))) continue;
    kills += 1;
    const answered = answeredLines(check.output);
    const rows = await ledgerRowsByLine(check.ledger, check.lineOf);
    for (const index of answered) expect(rows.get(index)?.rows, `line ${index} after kill ${kills}`).toBe(1);
    const paidRows = [...rows].filter(([, entry]) => entry.paid).map(([index]) => index);
    for (const index of new Set([...answered, ...paidRows])) {
      const prompt = check.promptOf(index);
      if (!protectedPaid.has(prompt)) protectedPaid.set(prompt, check.paid.get(prompt) ?? 0);
    }
  }
  expect(kills).toBeGreaterThanOrEqual(wanted);

  expect(await check.run('never')).toBe(false);
  const answered = answeredLines(check.output);
  expect(new Set(answered).size).toBe(check.lineCount);
  expect(answered).toHaveLength(check.lineCount);
  const rows = await ledgerRowsByLine(check.ledger, check.lineOf);
  for (let index = 0; index < check.lineCount; index += 1) {
    expect(rows.get(index)?.rows, `line ${index}`).toBe(1);
  }
  for (const [prompt, paidThen] of protectedPaid) {
    expect(check.paid.get(prompt), `${prompt} was paid for again after it was recorded`).toBe(paidThen);
  }
  expect(protectedPaid.size).toBeGreaterThan(0);
}
