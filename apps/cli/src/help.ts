import type { Command } from 'commander';

/** Appends an "Examples:" section to a command's `--help`. */
export function withExamples(command: Command, examples: readonly string[]): Command {
  const lines = examples.map((example) => (example.startsWith('#') ? `  ${example}` : `  $ ${example}`));
  return command.addHelpText('after', `\nExamples:\n${lines.join('\n')}\n`);
}
