import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { ConfigError, ConfigSchemaError, findConfig, redactUrl, type MaxllmConfig } from '@maxllm/config';
import { createCliLogger, loadCliConfig, printJson, println } from '../context';
import { CliError, ExitCode } from '../errors';
import { globalOptions } from '../global-options';
import { withExamples } from '../help';
import { plural } from '../table';

const starterConfig = `# MaxLLM configuration. Guide: https://www.npmjs.com/package/maxllm (packages/maxllm/README.md)
model_list:
  # Every model name goes to OpenAI (or $OPENAI_API_BASE) with $OPENAI_API_KEY.
  - model_name: "*"
    litellm_params:
      model: "*"
      api_key: os.environ/OPENAI_API_KEY

rate_limit:
  default:
    - model_name: "*"
      rpm: 500
      tpm: 200000
`;

/** One model's line in `config show` / `config check`. */
interface ModelReport {
  pattern: string;
  ok: boolean;
  description?: string;
  problem?: string;
  warning?: string;
}

function reportModel(config: MaxllmConfig, name: string): ModelReport {
  try {
    const model = config.resolveModel(name);
    const warning =
      model.apiKey === undefined && !model.local
        ? `no API key (set api_key, or OPENAI_API_KEY for the default entry)`
        : undefined;
    return { pattern: name, ok: true, description: model.describe(), ...(warning ? { warning } : {}) };
  } catch (error) {
    if (ConfigError.isInstance(error)) return { pattern: name, ok: false, problem: error.message };
    throw error;
  }
}

function describeConfig(config: MaxllmConfig): Record<string, unknown> {
  return {
    source: config.source ?? null,
    home: config.home,
    paths: config.paths,
    redisUrl: config.redisUrl === undefined ? null : redactUrl(config.redisUrl),
    ledgerPreviews: config.ledger.previews,
    warnings: config.warnings,
  };
}

/** Loads the config for `config check`: a schema error prints every problem, one per line, before exiting 3. */
function loadForCheck(verbose: boolean): MaxllmConfig {
  try {
    return loadCliConfig(verbose);
  } catch (error) {
    if (!ConfigSchemaError.isInstance(error)) throw error;
    const { file, issues } = error;
    println(`config: ${file}`);
    for (const issue of issues) {
      const where = issue.keyPath ? ` ${issue.keyPath}:` : '';
      println(`error:   ${issue.file}:${issue.line}:${issue.column}:${where} ${issue.message}`);
    }
    throw new CliError(`${plural(issues.length, 'problem')} in ${file}`, { exitCode: ExitCode.config });
  }
}

/** `maxllm config path|show|check|edit`. */
export function registerConfigCommand(program: Command): void {
  const config = program
    .command('config')
    .description('find, show, check and edit the configuration (maxllm.yaml)');
  withExamples(config, [
    'maxllm config path',
    'maxllm config show',
    'maxllm config check gpt-4o-mini',
    'EDITOR=nano maxllm config edit',
  ]);

  withExamples(
    config
      .command('path')
      .description('print the path of the config file in use (exit 1 with a note when there is none)')
      .action(() => {
        const location = findConfig({ logger: createCliLogger(false) });
        if (!location.exists && location.origin === 'MAXLLM_CONFIG_PATH') {
          throw new CliError(`MAXLLM_CONFIG_PATH points to ${location.path}, which does not exist`, {
            exitCode: ExitCode.config,
          });
        }
        if (!location.exists) {
          throw new CliError(
            `no config file: using the built-in default (looked for $MAXLLM_CONFIG_PATH, ./maxllm.yaml, ${location.path})`,
          );
        }
        println(location.path);
      }),
    ['maxllm config path', 'maxllm --config ./team.yaml config path'],
  );

  withExamples(
    config
      .command('show')
      .description('print where MaxLLM reads and writes, and every model entry resolved (API keys redacted)')
      .option('--json', 'print JSON')
      .action((options: { json?: boolean }, command: Command) => {
        const loaded = loadCliConfig(globalOptions(command).verbose);
        const models = loaded.aliases().map((alias) => reportModel(loaded, alias));
        if (options.json === true) {
          printJson({ ...describeConfig(loaded), models });
          return;
        }
        println(
          `config:   ${loaded.source ?? '(built-in default: every model via OPENAI_API_KEY / OPENAI_API_BASE)'}`,
        );
        println(`home:     ${loaded.home}`);
        println(`cache:    ${loaded.paths.cache}`);
        println(`ledger:   ${loaded.paths.ledger}${loaded.ledger.previews ? '' : ' (previews off)'}`);
        println(`batch:    ${loaded.paths.batch}`);
        println(
          `limits:   ${loaded.redisUrl === undefined ? 'in this process' : `shared through ${redactUrl(loaded.redisUrl)}`}`,
        );
        for (const warning of loaded.warnings) println(`warning:  ${warning}`);
        println('models:');
        for (const model of models) {
          println(
            `  ${model.pattern}: ${model.ok ? model.description : `(cannot resolve: ${model.problem})`}`,
          );
        }
      }),
    ['maxllm config show', 'maxllm config show --json'],
  );

  withExamples(
    config
      .command('check')
      .description(
        'load the config and resolve every model entry (and each MODEL given); exit 3 on any problem',
      )
      .argument('[models...]', 'model names to resolve as well, e.g. gpt-4o-mini glm-4.6')
      .action((models: string[], _options, command: Command) => {
        const loaded = loadForCheck(globalOptions(command).verbose);
        const names = [...new Set([...loaded.aliases(), ...models])];
        const reports = names.map((name) => reportModel(loaded, name));
        println(`config: ${loaded.source ?? '(built-in default)'}`);
        for (const warning of loaded.warnings) println(`warning: ${warning}`);
        for (const report of reports) {
          if (!report.ok) println(`error:   ${report.pattern}: ${report.problem}`);
          else if (report.warning !== undefined) println(`warning: ${report.pattern}: ${report.warning}`);
          else println(`ok:      ${report.pattern}`);
        }
        const failed = reports.filter((report) => !report.ok).length;
        if (failed > 0) {
          throw new CliError(
            `${failed} of ${reports.length} model entr${reports.length === 1 ? 'y' : 'ies'} cannot be resolved`,
            {
              exitCode: ExitCode.config,
            },
          );
        }
        println(
          `${reports.length} model entr${reports.length === 1 ? 'y' : 'ies'} resolved, ${loaded.warnings.length} warning(s)`,
        );
      }),
    ['maxllm config check', 'maxllm config check gpt-4o-mini text-embedding-3-small'],
  );

  withExamples(
    config
      .command('edit')
      .description(
        'open the config file in $VISUAL / $EDITOR (creating a starter file under the MaxLLM home if none exists), then check it',
      )
      .option('--editor <command>', 'editor command (default: $VISUAL, $EDITOR, vi)')
      .action((options: { editor?: string }, command: Command) => {
        const verbose = globalOptions(command).verbose;
        const { path } = findConfig({ logger: createCliLogger(verbose) });
        if (!existsSync(path)) {
          mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
          writeFileSync(path, starterConfig, { flag: 'wx', mode: 0o600 });
          process.stderr.write(`maxllm: created ${path}\n`);
        }
        const editor = options.editor ?? process.env.VISUAL ?? process.env.EDITOR ?? 'vi';
        const quoted = `'${path.replace(/'/g, `'\\''`)}'`;
        const result = spawnSync(`${editor} ${quoted}`, { shell: true, stdio: 'inherit' });
        if (result.error !== undefined || result.status !== 0) {
          throw new CliError(
            `the editor "${editor}" failed (${result.error?.message ?? `exit code ${result.status}`})`,
          );
        }
        const edited = loadCliConfig(verbose);
        println(
          `${edited.source ?? path}: valid, ${edited.aliases().length} model entr${edited.aliases().length === 1 ? 'y' : 'ies'}`,
        );
      }),
    ['maxllm config edit', 'maxllm config edit --editor "code --wait"'],
  );
}
