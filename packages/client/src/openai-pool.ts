import { createHash } from 'node:crypto';
import OpenAI from 'openai';
import { createHttpFetch } from './http-fetch';

/** How every SDK instance of a client is built. */
export interface OpenAIPoolOptions {
  /** A `fetch` for the SDK (tests, proxies). @default {@link createHttpFetch}'s, over `node:http(s)` */
  fetch?: typeof fetch | undefined;
  /** Headers sent with every request. */
  defaultHeaders?: Record<string, string> | undefined;
}

/** One `OpenAI` instance per (base URL, API key), built with `maxRetries: 0`: the client retries in its own loop. */
export interface OpenAIPool {
  get(baseURL: string | undefined, apiKey: string | undefined): OpenAI;
  /** Closes the pool's kept-alive sockets (none when the caller gave its own `fetch`). */
  close(): void;
}

/** Creates an empty pool. */
export function createOpenAIPool(options: OpenAIPoolOptions): OpenAIPool {
  const instances = new Map<string, OpenAI>();
  const own = options.fetch ? undefined : createHttpFetch();
  const fetch = options.fetch ?? own?.fetch;
  return {
    get(baseURL, apiKey) {
      // The key is hashed so that no map key, heap snapshot or debug print shows it.
      const id = createHash('sha256')
        .update(`${baseURL ?? ''}\0${apiKey ?? ''}`)
        .digest('hex');
      let instance = instances.get(id);
      if (!instance) {
        instance = new OpenAI({
          // The config already fell back to $OPENAI_API_KEY of ITS environment; never read process.env behind its back.
          apiKey: apiKey ?? 'no-api-key-configured',
          baseURL: baseURL ?? null,
          maxRetries: 0,
          ...(fetch ? { fetch } : {}),
          ...(options.defaultHeaders ? { defaultHeaders: options.defaultHeaders } : {}),
        });
        instances.set(id, instance);
      }
      return instance;
    },
    close() {
      own?.close();
    },
  };
}
