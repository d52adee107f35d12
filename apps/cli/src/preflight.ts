import { parseModelSpec } from '@maxllm/client';
import { type MaxllmConfig } from '@maxllm/config';
import { createRateLimiter } from '@maxllm/ratelimit';
import { CliError, ExitCode } from './errors';

/** True for the OpenAI API itself (no `api_base`, or api.openai.com), which never answers without a key. */
function isOpenAI(apiBase: string | undefined): boolean {
  if (apiBase === undefined) return true;
  try {
    return new URL(apiBase).hostname === 'api.openai.com';
  } catch {
    return false;
  }
}

function configError(message: string, cause?: unknown): CliError {
  return new CliError(message, { exitCode: ExitCode.config, ...(cause === undefined ? {} : { cause }) });
}

/**
 * Checks, before anything is sent, every model a run will call (`specs` may be balancing specs such as
 * `"a:1+b:2"`): it must resolve in the config, have an API key when it is the OpenAI API (a custom `api_base`, such
 * as a local server, may need none), and limits the rate limiter accepts.
 * @throws CliError with exit code 3 (configuration), naming the model and what is wrong.
 */
export async function preflight(config: MaxllmConfig, specs: Iterable<string>): Promise<void> {
  const seen = new Set<string>();
  for (const spec of specs) {
    let members;
    try {
      members = parseModelSpec(spec);
    } catch (error) {
      throw configError(error instanceof Error ? error.message : String(error), error);
    }
    for (const { alias } of members) {
      if (seen.has(alias)) continue;
      seen.add(alias);
      let resolved;
      try {
        resolved = config.resolveModel(alias);
      } catch (error) {
        throw configError(error instanceof Error ? error.message : String(error), error);
      }
      if ((resolved.apiKey === undefined || resolved.apiKey === '') && isOpenAI(resolved.apiBase)) {
        throw configError(
          `model '${alias}' has no API key: set OPENAI_API_KEY, or api_key in its model_list entry (nothing was sent)`,
        );
      }
      try {
        const limiter = createRateLimiter({
          rpm: resolved.rpm,
          tpm: resolved.tpm,
          concurrency: resolved.concurrency,
        });
        await limiter.close();
      } catch (error) {
        throw configError(
          `model '${alias}': ${error instanceof Error ? error.message : String(error)} (nothing was sent)`,
          error,
        );
      }
    }
  }
}
