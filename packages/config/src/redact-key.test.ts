import { expect, test } from 'vitest';
import { redactKey, redactUrl } from './index.js';

test('redactKey keeps the sk- prefix and the last 4 characters only', () => {
  expect(redactKey('sk-proj-abcdefghijklmnop1234')).toBe('sk-...1234');
  expect(redactKey('abcdefghijklmnopqrst')).toBe('...qrst');
  expect(redactKey('sk-short')).toBe('***');
  expect(redactKey('')).toBe('(none)');
  expect(redactKey(undefined)).toBe('(none)');
});

test('redactUrl hides a password only', () => {
  expect(redactUrl('redis://user:hunter2secret@host:6379/0')).toBe('redis://user:***@host:6379/0');
  expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  expect(redactUrl(undefined)).toBe('(none)');
});
