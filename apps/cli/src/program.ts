import { Command } from 'commander';
import { registerBatchCommand } from './commands/batch.js';
import { registerBenchCommand } from './commands/bench.js';
import { registerCacheCommand } from './commands/cache.js';
import { registerChatCommand } from './commands/chat.js';
import { registerConfigCommand } from './commands/config.js';
import { registerRunCommand } from './commands/run.js';
import { registerTestCommand } from './commands/test-model.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerEstimateCommand } from './commands/estimate.js';
import { registerMockCommand } from './commands/mock.js';
import { registerUsageCommands } from './commands/usage.js';
import { addGlobalOptions } from './global-options.js';
import { withExamples } from './help.js';

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
