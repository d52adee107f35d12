import type { Command } from 'commander';
import { createClient, parseModelSpec } from '@maxllm/client';
import { createCliLogger, loadCliConfig, printJson, println } from '../context';
import { globalOptions } from '../global-options';
import { withExamples } from '../help';
import { positiveInteger } from '../numbers';
import { createTerminalProgress } from '../progress';
import { benchPrompt } from '../prompts';
import { formatTable, formatUsd } from '../table';

interface BenchOptions {
  numPrompts: number;
  maxTokens: number;
  maxOutputTokens: number;
  concurrency: number;
  json?: boolean;
}

/** One member's measurement. */
interface MemberResult {
  model: string;
  prompts: number;
  errors: number;
  seconds: number;
  qps: number;
  costUsd: number;
}

/** `maxllm bench <model-spec>`: the original's benchmark and tuner, with generated prompts. */
export function registerBenchCommand(program: Command): void {
  withExamples(
    program
      .command('bench')
      .description(
        'measure each member of a model spec ("a+b+c") in parallel with generated prompts (no cache), print QPS per member and a suggested weight string a:<qps>+b:<qps>',
      )
      .argument(
        '<model-spec>',
        'a model, or members joined with "+" (weights are ignored: they are what this measures)',
      )
      .option('-n, --num-prompts <n>', 'prompts per member', positiveInteger('--num-prompts'), 200)
      .option(
        '-t, --max-tokens <n>',
        'length of each generated prompt in tokens',
        positiveInteger('--max-tokens'),
        4096,
      )
      .option(
        '-o, --max-output-tokens <n>',
        'max_tokens of each request',
        positiveInteger('--max-output-tokens'),
        512,
      )
      .option('--concurrency <n>', 'requests in flight per member', positiveInteger('--concurrency'), 64)
      .option('--json', 'print JSON')
      .action(async (spec: string, options: BenchOptions, command: Command) => {
        const verbose = globalOptions(command).verbose;
        const config = loadCliConfig(verbose);
        const members = [...new Set(parseModelSpec(spec).map((member) => member.alias))];
        for (const member of members) config.resolveModel(member); // fail fast on an unknown model
        const client = createClient({ config, logger: createCliLogger(verbose) });
        const prompts = Array.from({ length: options.numPrompts }, (_, index) =>
          benchPrompt(index, options.maxTokens),
        );
        try {
          const results = await Promise.all(
            members.map(async (model): Promise<MemberResult> => {
              const before = client.getCallStatus();
              const started = performance.now();
              const answers = await client.batchComplete(prompts, {
                model,
                force: true,
                max_tokens: options.maxOutputTokens,
                concurrency: options.concurrency,
                desc: `bench ${model}`,
                progress: createTerminalProgress(members.length > 1 ? { plain: true } : {}),
              });
              const seconds = (performance.now() - started) / 1000;
              const diff = client.diffCallStatus(client.getCallStatus(), before);
              const costUsd = diff[config.resolveModel(model).uniqueName]?.costUsd ?? 0;
              const errors = answers.filter((answer) => answer === null).length;
              return {
                model,
                prompts: prompts.length,
                errors,
                seconds,
                qps: (prompts.length - errors) / seconds,
                costUsd,
              };
            }),
          );
          const suggestion = results
            .map((result) => `${result.model}:${Number(result.qps.toFixed(2))}`)
            .join('+');
          if (options.json === true) {
            printJson({ results, suggestion });
            return;
          }
          println(
            formatTable(
              ['model', 'prompts', 'errors', 'seconds', 'QPS', 'cost'],
              results.map((result) => [
                result.model,
                String(result.prompts),
                String(result.errors),
                result.seconds.toFixed(2),
                result.qps.toFixed(2),
                formatUsd(result.costUsd),
              ]),
            ),
          );
          println(`suggested model string: ${suggestion}`);
        } finally {
          await client.close();
        }
      }),
    [
      'maxllm bench gpt-4o-mini -n 50 -t 512',
      'maxllm bench "qwen3-4b-3090+qwen3-4b-4090"   # then use the suggested a:<qps>+b:<qps> as the model',
    ],
  );
}
