#!/usr/bin/env node
// Prints the README's commands, one per line, so `.ci/run` runs exactly what a new user is told to type:
//   node .ci/readme-commands.mjs setup   the two set-up commands (install, demo) of "## Quick start"
//   node .ci/readme-commands.mjs test    the test command (the next sh block of that section)
// Fails loudly when the README no longer has that shape, rather than running something else.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const readmePath = fileURLToPath(new URL('../README.md', import.meta.url));

/**
 * The commands of the README's "## Quick start" section: its first `sh` block (set-up) and its second (test).
 * Comment-only and blank lines are dropped; a command keeps its trailing comment (the shell ignores it).
 */
export function readmeCommands(markdown = readFileSync(readmePath, 'utf8')) {
  const section = /^## Quick start\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(markdown);
  if (!section) throw new Error('README.md has no "## Quick start" section');
  const blocks = [...section[1].matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((match) =>
    match[1]
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#')),
  );
  const [setup, test] = blocks;
  if (setup?.length !== 2) {
    throw new Error(
      `README.md "## Quick start": the first sh block must hold 2 set-up commands, found ${setup?.length ?? 0}`,
    );
  }
  if (test?.length !== 1) {
    throw new Error(
      `README.md "## Quick start": the second sh block must hold 1 test command, found ${test?.length ?? 0}`,
    );
  }
  return { setup, test };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const which = process.argv[2];
  if (which !== 'setup' && which !== 'test') {
    console.error('usage: node .ci/readme-commands.mjs setup|test');
    process.exit(2);
  }
  try {
    console.log(readmeCommands()[which].join('\n'));
  } catch (error) {
    console.error(`readme-commands: ${error.message}`);
    process.exit(1);
  }
}
