import { InvalidRequestError } from './errors';
import { OWN_KEYS, PARAM_KEYS } from './request-keys';
import type { ModelMode } from './types';

const OWN: ReadonlySet<string> = new Set(OWN_KEYS);
const KNOWN: ReadonlySet<string> = new Set([...OWN_KEYS, ...Object.values(PARAM_KEYS).flat()]);

/** Each endpoint's name in messages, and its path. */
const ENDPOINT_NAMES: Readonly<Record<ModelMode, string>> = {
  chat: 'chat (/v1/chat/completions)',
  completion: 'completions (/v1/completions)',
  embedding: 'embeddings (/v1/embeddings)',
  responses: 'responses (/v1/responses)',
};

/**
 * The body keys each endpoint takes: its own, and those MaxLLM translates for it (the output cap under any of its
 * three names; chat's `reasoning_effort` and `response_format` on the Responses API).
 */
const TAKES: Readonly<Record<ModelMode, ReadonlySet<string>>> = {
  chat: new Set([...PARAM_KEYS.chat, 'max_output_tokens']),
  completion: new Set([...PARAM_KEYS.completion, 'max_completion_tokens', 'max_output_tokens']),
  embedding: new Set(PARAM_KEYS.embedding),
  responses: new Set([
    ...PARAM_KEYS.responses,
    'max_tokens',
    'max_completion_tokens',
    'reasoning_effort',
    'response_format',
  ]),
};

/** What to write instead of a key that belongs to another endpoint, where a rename says more than the endpoint. */
const INSTEAD: Readonly<Partial<Record<ModelMode, Readonly<Record<string, string>>>>> = {
  embedding: { text: "use 'input'" },
  chat: { text: "use 'response_format' (or 'jsonFormat'), or 'verbosity'" },
};

/**
 * Old names that are not simply the camelCase of a key (`system_prompt` → `systemPrompt` is found by rule), with what
 * to write instead.
 */
const RENAMED: Readonly<Record<string, string>> = {
  json_format: "'jsonFormat' (a zod schema)",
  timeout: "'timeoutMs' (milliseconds; a model's `timeout` in maxllm.yaml stays in seconds)",
  inputs: "'input'",
  texts: "'input'",
  stream: "stream() instead of complete(): MaxLLM sets 'stream' itself",
};

/**
 * Checks that every key of `request` is one of MaxLLM's options or a body parameter of one of the endpoints
 * (`undefined` values too: a misspelt key is wrong whatever its value); with `endpoint`, that each body parameter is
 * one that endpoint takes (`dimensions` on a chat model would be answered with a 400). Provider-specific parameters
 * belong in `extraBody`. `otherKeys` are known too (a caller's own options, such as `batchComplete`'s `concurrency`).
 * @throws InvalidRequestError naming the first unknown key; for a Python spelling (`system_prompt`) or an old name
 *   (`timeout`) the message gives the name to use, for a near miss (`focre`) the known key it is closest to. For a
 *   parameter of another endpoint, it names the key, this endpoint and the endpoints the key belongs to.
 */
export function checkRequestKeys(
  request: object,
  otherKeys: Iterable<string> = [],
  endpoint?: ModelMode,
): void {
  let others: Set<string> | undefined; // built on the first key that is not one of the endpoint's
  for (const key of Object.keys(request)) {
    if (!KNOWN.has(key)) {
      if ((others ??= new Set(otherKeys)).has(key)) continue;
      throw new InvalidRequestError(`Unknown key '${key}': ${hintFor(key, [...others, ...KNOWN])}`);
    }
    if (endpoint === undefined || OWN.has(key) || TAKES[endpoint].has(key)) continue;
    // A value left undefined is not sent, so only a misspelt key is wrong whatever its value.
    if ((request as Record<string, unknown>)[key] === undefined) continue;
    if ((others ??= new Set(otherKeys)).has(key)) continue;
    throw new InvalidRequestError(misplacedMessage(key, endpoint));
  }
}

/** `'dimensions' is not a parameter of the chat (/v1/chat/completions) endpoint: it belongs to embeddings (...)`. */
function misplacedMessage(key: string, endpoint: ModelMode): string {
  const owners = (Object.keys(TAKES) as ModelMode[]).filter((other) => TAKES[other].has(key));
  const where = owners.map((owner) => ENDPOINT_NAMES[owner]).join(', ');
  const instead = INSTEAD[endpoint]?.[key];
  return (
    `'${key}' is not a parameter of the ${ENDPOINT_NAMES[endpoint]} endpoint: it belongs to ${where}` +
    `${instead === undefined ? '' : `; ${instead}`}. A provider that takes it anyway gets it through 'extraBody'.`
  );
}

function hintFor(key: string, known: readonly string[]): string {
  const renamed = RENAMED[key];
  if (renamed !== undefined) return `use ${renamed}`;
  const camel = key.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
  if (camel !== key && known.includes(camel)) return `use '${camel}'`;
  let near: string | undefined;
  let nearest = 3; // a near miss is at most 2 edits away, and not most of a short key
  for (const candidate of known) {
    const edits = distance(candidate, key);
    if (edits < nearest && edits < candidate.length - 1) [near, nearest] = [candidate, edits];
  }
  const extra = "a provider-specific parameter goes in 'extraBody'";
  return near === undefined
    ? `not a MaxLLM option nor a parameter of the chat, completions, embeddings or responses API (${extra})`
    : `did you mean '${near}'? (${extra})`;
}

/** Edit distance (insertions, deletions, substitutions and swaps of two neighbours). */
function distance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      }
      rows[i]![j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}
