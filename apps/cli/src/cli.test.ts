import { describe, expect, it } from 'vitest';
import { runCli } from './test-support';

describe('maxllm (global behaviour)', () => {
  it('prints help with examples and exits 0', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Usage: maxllm/);
    expect(result.stdout).toMatch(/Examples:\n\s+\$ maxllm demo/);
  });

  it('rejects an unknown option or command with a message and exit code 2', async () => {
    const option = await runCli(['--bogus']);
    expect(option.code).toBe(2);
    expect(option.stderr).toMatch(/maxllm: error: unknown option '--bogus'/);
    const command = await runCli(['frobnicate']);
    expect(command.code).toBe(2);
    expect(command.stderr).toMatch(/maxllm: error:/);
  });

  it('prints its version', async () => {
    const result = await runCli(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
