import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { InputError } from './errors.js';

/** One non-blank line of a JSONL input. */
export interface InputLine {
  /** 0-based physical line number in the input: the key that matches outputs to inputs on resume. */
  index: number;
  /** The line's text, without the newline. */
  text: string;
}

/** Streams the non-blank lines of `input` with their physical line numbers (never loads the whole file). */
export async function* readLines(input: Readable): AsyncGenerator<InputLine> {
  const reader = createInterface({ input, crlfDelay: Infinity });
  let index = 0;
  try {
    for await (const text of reader) {
      if (text.trim() !== '') yield { index, text };
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
 * Reads one input line: a JSON string is a prompt, a JSON object is a request (`prompt`, `messages`, `input`,
 * `systemPrompt`, any SDK parameter; `id` is echoed back), and any other text is taken as the prompt itself.
 * @throws InputError for JSON that is neither a string nor an object.
 */
export function parseRequestLine(line: InputLine, source: string): ParsedRequest {
  let value: unknown;
  try {
    value = JSON.parse(line.text);
  } catch {
    return { request: { prompt: line.text } };
  }
  if (typeof value === 'string') return { request: { prompt: value } };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError(
      `${source}:${line.index + 1}: expected a prompt string or a request object, got ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`,
    );
  }
  const { id, custom_id: customId, ...request } = value as Record<string, unknown>;
  if (!('prompt' in request) && !('messages' in request) && !('input' in request)) {
    throw new InputError(
      `${source}:${line.index + 1}: a request object needs "prompt", "messages" or "input"`,
    );
  }
  const echo = id ?? customId;
  return echo === undefined ? { request } : { request, id: echo };
}

/** What an existing output file already holds. */
export interface ExistingOutput {
  /** Indexes of input lines that already have a successful result. */
  done: Set<number>;
  /** False when the file ends in the middle of a line (the writer was killed): append a newline first. */
  endsWithNewline: boolean;
}

/** Scans an existing `run` output file for finished lines; a torn or unparsable line counts as not done. */
export async function readExistingOutput(path: string): Promise<ExistingOutput> {
  const done = new Set<number>();
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
