import { afterEach, expect, it, vi } from 'vitest';
import { stderrLogger } from './logger';

afterEach(() => {
  vi.restoreAllMocks();
});

it('writes warnings and errors to stderr with one prefix style, and drops debug and info', () => {
  const lines: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  stderrLogger.debug('d');
  stderrLogger.info('i');
  stderrLogger.warn('w');
  stderrLogger.error('e');
  expect(lines).toEqual(['[maxllm] warn: w\n', '[maxllm] error: e\n']);
});
