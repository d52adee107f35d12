import { createInterface } from 'node:readline/promises';
import { UsageError } from './errors';

/**
 * Asks a yes/no question on the terminal. Without a terminal (piped, CI) it refuses unless `yes` is set,
 * so a destructive command never runs by accident in a script.
 */
export async function confirm(question: string, yes: boolean | undefined, flag = '--yes'): Promise<boolean> {
  if (yes === true) return true;
  if (process.stdin.isTTY !== true)
    throw new UsageError(`${question.replace(/\?$/, '')}: refusing without ${flag} when not on a terminal`);
  const reader = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await reader.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    reader.close();
  }
}
