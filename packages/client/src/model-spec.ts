import { InvalidClientRequestError } from './errors';

/** One member of a model spec such as `"gpt-4o-mini:1+gpt-4-turbo:2"`. */
export interface ModelSpecMember {
  /** The model alias, resolved through the config. */
  alias: string;
  /** Share of the calls; `undefined` when the spec omits it (the config's `weight` is used). */
  weight: number | undefined;
}

/**
 * Parses a model string as the original does: without `+` the whole (trimmed) string is one model, used verbatim
 * (so `"llama3:8b"` is a model id, not a weight). With `+`, each part is `alias` or `alias:weight` split at the
 * last `:`; a model id that contains `:` needs an explicit weight (`"llama3:8b:1+gpt-4o:1"`).
 * @throws InvalidClientRequestError on an empty member or a weight that is not a positive number.
 */
export function parseModelSpec(spec: string): ModelSpecMember[] {
  const text = spec.trim();
  if (!text.includes('+')) return [{ alias: text, weight: undefined }];
  return text.split('+').map((raw) => {
    const part = raw.trim();
    if (!part) throw new InvalidClientRequestError(`Model spec '${spec}' has an empty member.`);
    const colon = part.lastIndexOf(':');
    if (colon < 0) return { alias: part, weight: undefined };
    const alias = part.slice(0, colon).trim();
    const weightText = part.slice(colon + 1).trim();
    const weight = Number(weightText);
    if (!alias || weightText === '' || !Number.isFinite(weight) || weight <= 0) {
      throw new InvalidClientRequestError(
        `Model spec '${spec}': '${part}' must be 'model:weight' with a positive number weight ` +
          `(a model id containing ':' needs an explicit weight, e.g. 'llama3:8b:1').`,
      );
    }
    return { alias, weight };
  });
}
