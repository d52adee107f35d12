import { createRequire } from 'node:module';
import type * as O200k from 'gpt-tokenizer/encoding/o200k_base';

/** The two BPE encodings MaxLLM estimates with. */
export type EncodingName = 'o200k_base' | 'cl100k_base';

type Encoding = typeof O200k;

const require = createRequire(import.meta.url);
const loaded = new Map<EncodingName, Encoding>();
const noSpecialTokens = { disallowedSpecial: new Set<string>() };

/**
 * The encoding for a model id: `o200k_base` for gpt-4o, gpt-4.1, gpt-4.5, gpt-5, chatgpt-4o and the o-series
 * (o1, o3, o4...), `cl100k_base` for everything else (gpt-4, gpt-3.5, embeddings, non-OpenAI models, where it is a
 * reasonable approximation). A `provider/` prefix is ignored.
 */
export function encodingForModel(model: string): EncodingName {
  const id = (model.split('/').pop() ?? model).toLowerCase();
  return /^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|chatgpt-4o|o\d)/.test(id) ? 'o200k_base' : 'cl100k_base';
}

/** Loads an encoding the first time it is used (each one costs ~tens of ms and some MB), then reuses it. */
function load(name: EncodingName): Encoding {
  let encoding = loaded.get(name);
  if (!encoding) {
    encoding = require(`gpt-tokenizer/cjs/encoding/${name}`) as Encoding;
    loaded.set(name, encoding);
  }
  return encoding;
}

/** Counts the tokens of `text` with the model's encoding; special-token text is counted as plain text. */
export function countTokens(text: string, model: string): number {
  if (text === '') return 0;
  return load(encodingForModel(model)).countTokens(text, noSpecialTokens);
}
