import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temp MaxLLM home with a config file, and the environment that points the CLI at them. */
export interface TestHome {
  /** The temp folder holding everything. */
  root: string;
  /** `MAXLLM_HOME`. */
  home: string;
  /** The config file (`MAXLLM_CONFIG_PATH`). */
  configPath: string;
  /** Environment for `runCli`. */
  env: Record<string, string>;
}

/** A test API key: the CLI must never print it. */
export const testApiKey = 'sk-test-SECRETSECRETSECRET-9876';

/** Writes a config whose `"*"` entry points at `baseUrl` with limits, plus any extra YAML model entries. */
export function createTestHome(
  baseUrl: string,
  options: { rpm?: number; tpm?: number; extraModels?: string } = {},
): TestHome {
  const root = mkdtempSync(join(tmpdir(), 'maxllm-cli-test-'));
  const home = join(root, 'home');
  mkdirSync(home, { recursive: true });
  const configPath = join(root, 'maxllm.yaml');
  writeFileSync(
    configPath,
    `model_list:
  - model_name: "*"
    litellm_params:
      model: "*"
      api_base: ${baseUrl}
      api_key: ${testApiKey}
      rpm: ${options.rpm ?? 6000}
      tpm: ${options.tpm ?? 10000000}
      max_retries: 2
${options.extraModels ?? ''}`,
  );
  return { root, home, configPath, env: { MAXLLM_HOME: home, MAXLLM_CONFIG_PATH: configPath } };
}
