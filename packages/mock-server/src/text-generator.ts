import { countTextTokens } from './tokens';
import type { Random } from './random';

const CANDIDATES = `time year people way day man thing woman life child world school state family student group
country problem hand part place case week company system program question work government number night point home
water room mother area money story fact month lot right study book eye job word business issue side kind head house
service friend father power hour game line end member law car city community name president team minute idea kid
body information back parent face others level office door health person art war history party result change
morning reason research girl guy moment air teacher force education river stone light garden music signal model
token answer request window market paper value table field model order rate batch cache limit stream server client
green quick bright calm steady simple clear small large early late happy strong gentle open silent ancient modern
runs makes takes gives finds keeps holds brings builds moves reads writes shows turns leaves starts grows carries`;

/** Words that are one `o200k_base` token with a leading space, capitalised, and both. */
const WORDS: readonly string[] = [...new Set(CANDIDATES.split(/\s+/).filter(Boolean))].filter(
  (word) =>
    countTextTokens(` ${word}`) === 1 &&
    countTextTokens(capitalise(word)) === 1 &&
    countTextTokens(` ${capitalise(word)}`) === 1,
);

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/**
 * Deterministic pseudo-words with exactly `tokens` `o200k_base` tokens: sentences of one-token words, each
 * ended by a full stop (also one token). Returns the pieces (one word or stop each) so streams can send them apart.
 */
export function generateWords(random: Random, tokens: number): string[] {
  const pieces: string[] = [];
  let sentence = 0;
  let sentenceLength = random.int(6, 14);
  for (let index = 0; index < tokens; index++) {
    const remaining = tokens - index;
    if (sentence >= sentenceLength && remaining > 1) {
      pieces.push('.');
      sentence = 0;
      sentenceLength = random.int(6, 14);
      continue;
    }
    const word = random.pick(WORDS);
    pieces.push(
      pieces.length === 0 ? capitalise(word) : sentence === 0 ? ` ${capitalise(word)}` : ` ${word}`,
    );
    sentence++;
  }
  return pieces;
}

/** `generateWords()` joined; `countTextTokens(result) === tokens`. */
export function generateText(random: Random, tokens: number): string {
  return generateWords(random, tokens).join('');
}

/**
 * The completion length of one choice: `mean ± spread·mean`, uniformly, at least 1.
 * @param spread fraction of the mean, 0..1
 */
export function pickLength(random: Random, mean: number, spread: number): number {
  const delta = mean * spread;
  return Math.max(1, Math.round(mean - delta + random.next() * 2 * delta));
}
