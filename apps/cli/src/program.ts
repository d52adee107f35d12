import { Command } from 'commander';
import { registerBatchCommand } from './commands/batch';
import { registerBenchCommand } from './commands/bench';
import { registerCacheCommand } from './commands/cache';
import { registerChatCommand } from './commands/chat';
import { registerConfigCommand } from './commands/config';
import { registerRunCommand } from './commands/run';
import { registerTestCommand } from './commands/test-model';
import { registerDemoCommand } from './commands/demo';
import { registerEstimateCommand } from './commands/estimate';
import { registerMockCommand } from './commands/mock';
import { registerUsageCommands } from './commands/usage';
import { addGlobalOptions } from './global-options';
import { withExamples } from './help';

/** The version printed by `maxllm --version`. */
export const cliVersion = '0.1.0';

/** Builds the `maxllm` command tree. Errors are thrown (`exitOverride`), never `process.exit`ed, so `main` decides. */
export function createProgram(env: NodeJS.ProcessEnv = process.env): Command {
  const program = new Command('maxllm')
    .description(
      'Push many LLM requests through OpenAI-compatible APIs at the rate limit, cached on disk, with tokens and cost accounted.',
    )
    .version(cliVersion, '-V, --version')
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({
      outputError: (text, write) => write(`maxllm: ${text.replace(/^error: /, 'error: ')}`),
    });
  addGlobalOptions(program, env);
  withExamples(program, [
    'maxllm demo                         # try it: no API key, no config file needed',
    'maxllm chat "Say hello"             # one question',
    'maxllm run prompts.jsonl -o out.jsonl',
    'maxllm usage --since 7d --by day',
  ]);
  registerDemoCommand(program);
  registerChatCommand(program);
  registerRunCommand(program);
  registerEstimateCommand(program);
  registerBatchCommand(program);
  registerBenchCommand(program);
  registerTestCommand(program);
  registerMockCommand(program);
  registerConfigCommand(program);
  registerCacheCommand(program);
  registerUsageCommands(program);
  return program;
}
