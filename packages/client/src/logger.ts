import { defaultLogger, type Logger } from '@maxllm/config';

export type { Logger };

/** Default logger: warnings and errors to stderr with a `[maxllm]` prefix, nothing else (`@maxllm/config`'s). */
export const stderrLogger: Logger = defaultLogger;
