import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { createProgram } from './program';

function walk(command: Command, path: string[] = []): Array<{ path: string[]; command: Command }> {
  return command.commands.flatMap((child) => {
    const childPath = [...path, child.name()];
    return [{ path: childPath, command: child }, ...walk(child, childPath)];
  });
}

function helpOf(command: Command): string {
  let text = '';
  command.configureOutput({ writeOut: (chunk) => (text += chunk), writeErr: (chunk) => (text += chunk) });
  command.outputHelp();
  return text;
}

describe('command tree', () => {
  const program = createProgram({});
  const commands = walk(program);

  it('has every command the CLI promises', () => {
    const names = commands.map((entry) => entry.path.join(' '));
    for (const name of [
      'demo',
      'chat',
      'run',
      'batch submit',
      'batch status',
      'batch results',
      'batch cancel',
      'batch list',
      'status',
      'usage',
      'config path',
      'config show',
      'config check',
      'config edit',
      'cache stats',
      'cache verify',
      'cache clear',
      'cache prune',
      'mock',
      'bench',
      'test',
    ]) {
      expect(names).toContain(name);
    }
  });

  it.each(commands.map((entry) => [entry.path.join(' '), entry.command] as const))(
    '`maxllm %s --help` shows a description and examples',
    (name, command) => {
      const help = helpOf(command);
      expect(help).toMatch(new RegExp(`^Usage: maxllm ${name}`));
      expect(command.description().length).toBeGreaterThan(10);
      expect(help).toMatch(/\nExamples:\n {2}(\$ maxllm |# )/);
    },
  );
});
