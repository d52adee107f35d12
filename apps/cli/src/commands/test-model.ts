import type { Command } from 'commander';
import { createClient } from '@maxllm/client';
import { createCliLogger, loadCliConfig, println } from '../context';
import { globalOptions } from '../global-options';
import { withExamples } from '../help';

/** `maxllm test <model>`: one "Say hello!" request that bypasses the cache. */
export function registerTestCommand(program: Command): void {
  withExamples(
    program
      .command('test')
      .description(
        'send one "Say hello!" request to MODEL (bypassing the cache) and print the answer and latency',
      )
      .argument('<model>', 'model name from the config')
      .option('--prompt <text>', 'the prompt', 'Say hello!')
      .action(async (model: string, options: { prompt: string }, command: Command) => {
        const verbose = globalOptions(command).verbose;
        const config = loadCliConfig(verbose);
        const resolved = config.resolveModel(model);
        println(`model:   ${resolved.describe()}`);
        const client = createClient({ config, logger: createCliLogger(verbose) });
        try {
          const started = performance.now();
          const answer = await client.complete({ model, prompt: options.prompt, force: true });
          const elapsed = performance.now() - started;
          println(`answer:  ${typeof answer === 'string' ? answer : JSON.stringify(answer)}`);
          println(`latency: ${Math.round(elapsed)} ms`);
        } finally {
          await client.close();
        }
      }),
    ['maxllm test gpt-4o-mini', 'maxllm test glm-4.6 --prompt "ping"'],
  );
}
