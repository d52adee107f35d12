import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { InputError } from './errors.js';
import { parseRequestLine, readExistingOutput, readLines } from './jsonl.js';

describe('jsonl', () => {
  it('keeps physical line numbers and skips blank lines', async () => {
    const lines = [];
    for await (const line of readLines(Readable.from(['"a"\n\n', '{"prompt":"b"}\r\n', 'c'])))
      lines.push(line);
    expect(lines).toEqual([
      { index: 0, text: '"a"' },
      { index: 2, text: '{"prompt":"b"}' },
      { index: 3, text: 'c' },
    ]);
  });

  it('reads strings, request objects (echoing id) and plain text', () => {
    expect(parseRequestLine({ index: 0, text: '"hi"' }, 'in')).toEqual({ request: { prompt: 'hi' } });
    expect(parseRequestLine({ index: 0, text: '{"id":7,"prompt":"x","temperature":0}' }, 'in')).toEqual({
      request: { prompt: 'x', temperature: 0 },
      id: 7,
    });
    expect(parseRequestLine({ index: 0, text: 'plain words' }, 'in')).toEqual({
      request: { prompt: 'plain words' },
    });
    expect(() => parseRequestLine({ index: 4, text: '[1]' }, 'in.jsonl')).toThrow(InputError);
    expect(() => parseRequestLine({ index: 4, text: '{"temperature":1}' }, 'in.jsonl')).toThrow(/in.jsonl:5/);
  });

  it('finds finished lines in an output torn by a kill', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'maxllm-jsonl-')), 'out.jsonl');
    writeFileSync(
      path,
      '{"index":0,"result":"a"}\n{"index":2,"error":{"message":"x"}}\n{"index":1,"result":"b"}\n{"index":3,"res',
    );
    const existing = await readExistingOutput(path);
    expect([...existing.done].sort()).toEqual([0, 1]);
    expect(existing.endsWithNewline).toBe(false);
    expect(await readExistingOutput(join(path, '..', 'missing.jsonl'))).toEqual({
      done: new Set(),
      endsWithNewline: true,
    });
  });
});
