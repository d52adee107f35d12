import { describe, expect, it } from 'vitest';
import { redactSecrets } from './redact';

describe('redactSecrets', () => {
  it('hides keys, bearer tokens and URL passwords, and leaves other text alone', () => {
    expect(redactSecrets('key sk-proj-abcdefghijklmnop1234 failed')).toBe('key sk-...1234 failed');
    expect(redactSecrets('Authorization: Bearer abc.def.ghi')).toBe('Authorization: Bearer [redacted]');
    expect(redactSecrets('redis://user:hunter2@host:6379/0')).toBe('redis://user:***@host:6379/0');
    expect(redactSecrets('sk-...abcd and gpt-4o-mini')).toBe('sk-...abcd and gpt-4o-mini');
    expect(redactSecrets('at https://h/v1?api-version=1&api-key=hunter2 (x)')).toBe(
      'at https://h/v1?api-version=1&api-key=*** (x)',
    );
    expect(redactSecrets('GET https://h/v1beta/models?key=hunter2')).toBe(
      'GET https://h/v1beta/models?key=***',
    );
  });
});
