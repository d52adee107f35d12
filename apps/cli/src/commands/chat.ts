import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { createClient, type MaxllmClient } from '@maxllm/client';
import { parseJsonLenient, responseText, type ChatMessage, type ChatParams } from '@maxllm/request';
import { createCliLogger, loadCliConfig, println } from '../context';
import { InputError, UsageError } from '../errors';
import { globalOptions } from '../global-options';
import { withExamples } from '../help';
import { readStdin } from '../stdin';

interface ChatOptions {
  model: string;
  system?: string;
  json?: boolean;
  schema?: string;
  raw?: boolean;
  cache: boolean;
}

/** Reads a JSON Schema file into an OpenAI `response_format` of type `json_schema`. */
function schemaFormat(path: string): NonNullable<ChatParams['response_format']> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(`--schema: cannot read ${path}: ${(error as Error).message}`);
  }
  let schema: unknown;
  try {
    schema = JSON.parse(text);
  } catch (error) {
    throw new InputError(`--schema: ${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) {
    throw new InputError(`--schema: ${path} must hold a JSON Schema object`);
  }
  const title = (schema as { title?: unknown }).title;
  const name = typeof title === 'string' && /^[\w-]{1,64}$/.test(title) ? title : 'response';
  return {
    type: 'json_schema',
    json_schema: { name, schema: schema as Record<string, unknown>, strict: true },
  };
}

/** Prints one answer: pretty JSON for structured output, the SDK response for `--raw`, else the text. */
function printAnswer(answer: unknown, structured: boolean): void {
  if (typeof answer === 'string' && structured) {
    try {
      println(JSON.stringify(parseJsonLenient(answer), null, 2));
      return;
    } catch {
      // Not JSON after all: print it as it came.
    }
  }
  println(typeof answer === 'string' ? answer : JSON.stringify(answer, null, 2));
}

async function ask(client: MaxllmClient, options: ChatOptions, messages: ChatMessage[]): Promise<unknown> {
  return client.complete({
    model: options.model,
    messages,
    ...(options.json === true ? { jsonMode: true } : {}),
    ...(options.schema !== undefined ? { response_format: schemaFormat(options.schema) } : {}),
    ...(options.raw === true ? { raw: true } : {}),
    ...(options.cache ? {} : { force: true }),
  });
}

function textOf(answer: unknown): string {
  if (typeof answer === 'string') return answer;
  if ((answer as { object?: unknown }).object === 'response') return responseText(answer); // Responses API
  const content = (answer as { choices?: Array<{ message?: { content?: unknown } }> }).choices?.[0]?.message
    ?.content;
  return typeof content === 'string' ? content : JSON.stringify(answer);
}

/** `maxllm chat [prompt]`: one question from the argument or stdin, or a conversation on a terminal. */
export function registerChatCommand(program: Command): void {
  withExamples(
    program
      .command('chat')
      .description(
        'ask a model: the prompt comes from the arguments, else from piped stdin, else an interactive conversation',
      )
      .argument('[prompt...]', 'the prompt (words are joined with spaces)')
      .option('-m, --model <model>', 'model name or balancing spec ("a:1+b:2")', 'gpt-4o-mini')
      .option('-s, --system <text>', 'system prompt')
      .option('--json', 'JSON mode (response_format json_object); prints the JSON pretty')
      .option(
        '--schema <file>',
        'a JSON Schema file: structured output (response_format json_schema, strict)',
      )
      .option('--raw', 'print the whole API response as JSON')
      .option('--no-cache', 'always call the API (neither read nor write the cache)')
      .action(async (words: string[], options: ChatOptions, command: Command) => {
        if (options.json === true && options.schema !== undefined)
          throw new UsageError('--json and --schema cannot be used together');
        const verbose = globalOptions(command).verbose;
        const client = createClient({ config: loadCliConfig(verbose), logger: createCliLogger(verbose) });
        const structured = options.json === true || options.schema !== undefined;
        const system: ChatMessage[] =
          options.system === undefined ? [] : [{ role: 'system', content: options.system }];
        try {
          let prompt = words.join(' ').trim();
          if (prompt === '' && process.stdin.isTTY !== true) prompt = (await readStdin()).trim();
          if (prompt !== '') {
            printAnswer(
              await ask(client, options, [...system, { role: 'user', content: prompt }]),
              structured,
            );
            return;
          }
          if (process.stdin.isTTY !== true)
            throw new UsageError('no prompt: pass one as an argument or on stdin');
          await converse(client, options, system, structured);
        } finally {
          await client.close();
        }
      }),
    [
      'maxllm chat "Write a haiku about rate limits"',
      'echo "Summarise: $(cat notes.txt)" | maxllm chat -m gpt-4.1-mini',
      'maxllm chat --json "Three colours as {\\"colors\\": [...]}"',
      'maxllm chat --schema person.schema.json "Invent a person"',
      'maxllm chat -s "You are terse." # interactive; /exit or Ctrl-D to leave',
    ],
  );
}

/** The interactive loop: history is kept, so the model sees the whole conversation. */
async function converse(
  client: MaxllmClient,
  options: ChatOptions,
  system: ChatMessage[],
  structured: boolean,
): Promise<void> {
  const reader = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const history: ChatMessage[] = [...system];
  process.stderr.write(
    `chatting with ${options.model}; /exit or Ctrl-D to leave, /reset to forget the conversation\n`,
  );
  reader.on('SIGINT', () => reader.close());
  try {
    for (;;) {
      let line: string;
      try {
        line = (await reader.question('> ')).trim();
      } catch {
        return; // Ctrl-D / closed
      }
      if (line === '') continue;
      if (line === '/exit' || line === '/quit') return;
      if (line === '/reset') {
        history.splice(system.length);
        continue;
      }
      history.push({ role: 'user', content: line });
      try {
        if (structured || options.raw === true) {
          const answer = await ask(client, options, history);
          printAnswer(answer, structured);
          history.push({ role: 'assistant', content: textOf(answer) });
        } else {
          // Plain text: print the answer as it is generated (a cached one is replayed the same way).
          let text = '';
          for await (const delta of client.stream({
            model: options.model,
            messages: history,
            ...(options.cache ? {} : { force: true }),
          })) {
            text += delta;
            process.stdout.write(delta);
          }
          process.stdout.write('\n');
          history.push({ role: 'assistant', content: text });
        }
      } catch (error) {
        history.pop();
        process.stderr.write(`maxllm: error: ${(error as Error).message}\n`);
      }
    }
  } finally {
    reader.close();
  }
}
