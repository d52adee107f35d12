import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { InputError } from './errors';
import { parseRequestLine, readExistingOutput, readLines } from './jsonl';

describe('jsonl', () => {
  it('keeps physical line numbers and skips blank lines', async () => {
    const lines = [];
    for await (const line of readLines(Readable.from(['"a"\n\n', '{"prompt":"b"}\r\n', 'c'])))
      lines.push(line);
    expect(lines).toEqual([
      { index: 0, text: '"a"', format: 'json' },
      { index: 2, text: '{"prompt":"b"}', format: 'json' },
      { index: 3, text: 'c', format: 'json' },
    ]);
  });

  it('drops a byte order mark, and the first non-blank line decides the format of the whole file', async () => {
    const read = async (chunks: string[]): Promise<unknown[]> => {
      const lines = [];
      for await (const line of readLines(Readable.from(chunks))) lines.push(line);
      return lines;
    };
    expect(await read(['\uFEFF{"prompt":"p","id":"first-id"}\n', '"b"\n'])).toEqual([
      { index: 0, text: '{"prompt":"p","id":"first-id"}', format: 'json' },
      { index: 1, text: '"b"', format: 'json' },
    ]);
    expect(await read(['\n\uFEFFplain words\n', 'more words'])).toEqual([
      { index: 1, text: 'plain words', format: 'text' },
      { index: 2, text: 'more words', format: 'text' },
    ]);
  });

  it('a line that begins like JSON must be JSON; a file is JSON or plain text throughout', () => {
    const json = (index: number, text: string) => ({ index, text, format: 'json' as const });
    const text = (index: number, line: string) => ({ index, text: line, format: 'text' as const });
    expect(() => parseRequestLine(json(6, '{"prompt": "broken'), 'in.jsonl')).toThrow(
      /^in\.jsonl:7: invalid JSON/,
    );
    expect(() => parseRequestLine(json(1, '"unterminated'), 'in.jsonl')).toThrow(InputError);
    expect(() => parseRequestLine(json(2, '[1, 2'), 'in.jsonl')).toThrow(/in\.jsonl:3: invalid JSON/);
    expect(() => parseRequestLine(json(3, 'bare words'), 'in.jsonl')).toThrow(
      /in\.jsonl:4: not JSON, but the file is JSONL/,
    );
    expect(parseRequestLine(text(0, 'plain words'), 'in.txt')).toEqual({
      request: { prompt: 'plain words' },
    });
    expect(() => parseRequestLine(text(5, '{"prompt": "x"}'), 'in.txt')).toThrow(
      /in\.txt:6: this line begins like JSON, but the file is plain text/,
    );
  });

  it('reads strings, request objects (echoing id) and plain text', () => {
    expect(parseRequestLine({ index: 0, text: '"hi"' }, 'in')).toEqual({ request: { prompt: 'hi' } });
    expect(parseRequestLine({ index: 0, text: '{"id":7,"prompt":"x","temperature":0}' }, 'in')).toEqual({
      request: { prompt: 'x', temperature: 0 },
      id: 7,
    });
    expect(parseRequestLine({ index: 0, text: 'plain words', format: 'text' }, 'in')).toEqual({
      request: { prompt: 'plain words' },
    });
    expect(() => parseRequestLine({ index: 4, text: '[1]' }, 'in.jsonl')).toThrow(InputError);
    expect(() => parseRequestLine({ index: 4, text: '{"temperature":1}' }, 'in.jsonl')).toThrow(/in.jsonl:5/);
  });

  it('refuses a request key that is neither an option nor a body parameter, naming file:line and the name to use', () => {
    const line = (text: string) => () => parseRequestLine({ index: 2, text }, 'in.jsonl');
    expect(line('{"prompt":"x","system_prompt":"Be brief"}')).toThrow(InputError);
    expect(line('{"prompt":"x","system_prompt":"Be brief"}')).toThrow(
      /^in\.jsonl:3: Unknown key 'system_prompt': use 'systemPrompt'/,
    );
    expect(line('{"prompt":"x","json_mode":true}')).toThrow(/in\.jsonl:3: .*'jsonMode'/);
    expect(line('{"prompt":"x","timeout":30}')).toThrow(/in\.jsonl:3: .*'timeoutMs'/);
    expect(line('{"prompt":"x","focre":true}')).toThrow(/in\.jsonl:3: .*did you mean 'force'/);
    expect(parseRequestLine({ index: 0, text: '{"prompt":"x","extraBody":{"top_k":5}}' }, 'in')).toEqual({
      request: { prompt: 'x', extraBody: { top_k: 5 } },
    });
  });

  it('finds finished lines in an output torn by a kill', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'maxllm-jsonl-')), 'out.jsonl');
    writeFileSync(
      path,
      '{"index":0,"result":"a"}\n{"index":2,"error":{"message":"x"}}\n{"index":1,"result":"b"}\n{"index":3,"res',
    );
    const existing = await readExistingOutput(path);
    expect([0, 1, 2, 3].filter((index) => existing.done.has(index))).toEqual([0, 1]);
    expect(existing.done.size).toBe(2);
    expect(existing.endsWithNewline).toBe(false);
    const missing = await readExistingOutput(join(path, '..', 'missing.jsonl'));
    expect(missing.done.size).toBe(0);
    expect(missing.endsWithNewline).toBe(true);
  });
});
