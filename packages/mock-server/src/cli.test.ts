import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { MockServerOptionsError, runMockServerCli } from './index';
import { parseMockServerArgs } from './run-cli';

describe('runMockServerCli', () => {
  it('starts a server from flags and prints its URL', async () => {
    const lines: string[] = [];
    const server = await runMockServerCli(['--rpm', '1', '--seed', '3'], {
      stdout: (line) => lines.push(line),
    });
    try {
      expect(lines).toEqual([server!.url]);
      const client = new OpenAI({ baseURL: server!.url, apiKey: 'x', maxRetries: 0 });
      const body = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hi' }] };
      await client.chat.completions.create(body);
      await expect(client.chat.completions.create(body)).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    } finally {
      await server?.close();
    }
  });

  it('maps every flag to an option', () => {
    expect(
      parseMockServerArgs([
        '--port',
        '0',
        '--host',
        '::1',
        '--rpm',
        '5',
        '--tpm',
        '900',
        '--latency',
        '20',
        '--error-rate',
        '0.1',
        '--api-key',
        'k',
      ]),
    ).toEqual({
      port: 0,
      host: '::1',
      limits: { rpm: 5, tpm: 900 },
      latency: { meanMs: 20 },
      faults: { errorRate: 0.1 },
      apiKey: 'k',
    });
    expect(parseMockServerArgs(['--help'])).toBe('help');
  });

  it('rejects unknown flags and bad numbers with a MockServerOptionsError', () => {
    expect(() => parseMockServerArgs(['--nope'])).toThrow(MockServerOptionsError);
    expect(() => parseMockServerArgs(['--rpm', 'many'])).toThrow(/--rpm/);
    expect(() => parseMockServerArgs(['--error-rate', '2'])).toThrow(MockServerOptionsError);
  });

  const bin = new URL('../dist/cli.js', import.meta.url);
  it.skipIf(!existsSync(bin))('the built bin prints a URL that serves requests', async () => {
    const child = spawn(process.execPath, [bin.pathname, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
        child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      const client = new OpenAI({ baseURL: url, apiKey: 'x', maxRetries: 0 });
      expect((await client.models.retrieve('gpt-4o')).id).toBe('gpt-4o');
    } finally {
      child.kill('SIGTERM');
    }
  });
});
