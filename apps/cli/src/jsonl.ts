import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { checkRequestKeys } from '@maxllm/request';
import { InputError } from './errors';
import { LineSet } from './line-set';

/**
 * How a whole input file is read, decided by its first non-blank line: `json` when that line begins with `{`, `[`
 * or `"` (then every line must be JSON), `text` otherwise (then every line is a prompt as it stands).
 */
export type InputFormat = 'json' | 'text';

/** One non-blank line of a JSONL input. */
export interface InputLine {
  /** 0-based physical line number in the input: the key that matches outputs to inputs on resume. */
  index: number;
  /** The line's text, without the newline (and without a UTF-8 byte order mark). */
  text: string;
  /** The format of the whole file (see {@link InputFormat}). @default 'json' */
  format?: InputFormat;
}

const BOM = /^\uFEFF/;
const JSON_START = /^\s*[[{"]/;

/**
 * Streams the non-blank lines of `input` with their physical line numbers (never loads the whole file). A UTF-8 byte
 * order mark is dropped; every line carries the file's format, decided by the first non-blank line.
 */
export async function* readLines(input: Readable): AsyncGenerator<InputLine> {
  const reader = createInterface({ input, crlfDelay: Infinity });
  let index = 0;
  let format: InputFormat | undefined;
  try {
    for await (const raw of reader) {
      const text = raw.replace(BOM, '');
      if (text.trim() !== '') {
        format ??= JSON_START.test(text) ? 'json' : 'text';
        yield { index, text, format };
      }
      index += 1;
    }
  } finally {
    reader.close();
  }
}

/** A JSONL input line turned into a `complete()` request. */
export interface ParsedRequest {
  /** Request fields for `complete()` (`prompt`, `messages`, `systemPrompt`, `model`, SDK params...). */
  request: Record<string, unknown>;
  /** The line's own `id` / `custom_id`, echoed into the output line. */
  id?: unknown;
}

/**
 * Reads one input line. In a JSON file (see {@link InputFormat}) a JSON string is a prompt and a JSON object is a
 * request (`prompt`, `messages`, `input`, `systemPrompt`, any SDK parameter; `id` is echoed back). In a plain-text
 * file the line is the prompt itself.
 * @throws InputError (naming file:line) for a line that is not JSON in a JSON file, a line that begins with `{`, `[`
 *   or `"` in a plain-text file (it looks like JSON: mixed files are refused), JSON that is neither a string
 *   nor a request object, and a request object with a key that is neither a MaxLLM option nor a body parameter
 *   (a Python spelling such as `system_prompt` is named with its TypeScript name; provider-specific parameters go in
 *   `extraBody`).
 */
export function parseRequestLine(line: InputLine, source: string): ParsedRequest {
  const where = `${source}:${line.index + 1}`;
  if (line.format === 'text') {
    if (JSON_START.test(line.text)) {
      throw new InputError(
        `${where}: this line begins like JSON, but the file is plain text (its first line is not JSON): make every line JSON, or none`,
      );
    }
    return { request: { prompt: line.text } };
  }
  let value: unknown;
  try {
    value = JSON.parse(line.text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new InputError(
      JSON_START.test(line.text)
        ? `${where}: invalid JSON (${detail})`
        : `${where}: not JSON, but the file is JSONL (its first line is JSON): write the prompt as a JSON string`,
    );
  }
  if (typeof value === 'string') return { request: { prompt: value } };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError(
      `${where}: expected a prompt string or a request object, got ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`,
    );
  }
  const { id, custom_id: customId, ...request } = value as Record<string, unknown>;
  if (!('prompt' in request) && !('messages' in request) && !('input' in request)) {
    throw new InputError(`${where}: a request object needs "prompt", "messages" or "input"`);
  }
  try {
    checkRequestKeys(request);
  } catch (error) {
    throw new InputError(`${where}: ${(error as Error).message}`, { cause: error });
  }
  const echo = id ?? customId;
  return echo === undefined ? { request } : { request, id: echo };
}

/** What an existing output file already holds. */
export interface ExistingOutput {
  /** Indexes of input lines that already have a successful result. */
  done: LineSet;
  /** False when the file ends in the middle of a line (the writer was killed): append a newline first. */
  endsWithNewline: boolean;
}

/** Scans an existing `run` output file for finished lines; a torn or unparsable line counts as not done. */
export async function readExistingOutput(path: string): Promise<ExistingOutput> {
  const done = new LineSet();
  let file;
  try {
    file = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { done, endsWithNewline: true };
    throw error;
  }
  try {
    const { size } = await file.stat();
    const last = Buffer.alloc(1);
    if (size > 0) await file.read(last, 0, 1, size - 1);
    for await (const line of readLines(file.createReadStream({ autoClose: false }))) {
      try {
        const value = JSON.parse(line.text) as { index?: unknown; error?: unknown };
        if (typeof value.index === 'number' && value.error === undefined) done.add(value.index);
      } catch {
        // A line torn by a kill: that input runs again.
      }
    }
    return { done, endsWithNewline: size === 0 || last[0] === 0x0a };
  } finally {
    await file.close();
  }
}
