const subjects = [
  'the sea',
  'a lighthouse',
  'autumn leaves',
  'a city at night',
  'an old library',
  'the first snow',
  'a mountain pass',
  'a quiet kitchen',
  'a distant train',
  'a summer storm',
  'a chess match',
  'a garden at dawn',
];
const forms = ['a haiku', 'two sentences', 'a limerick', 'a short fable', 'a product description', 'a tweet'];

/** `count` distinct, deterministic demo prompts ("Write a haiku about the sea (#1).", ...). */
export function demoPrompts(count: number): string[] {
  return Array.from({ length: count }, (_, index) => {
    const subject = subjects[index % subjects.length] ?? 'the sea';
    const form = forms[Math.floor(index / subjects.length) % forms.length] ?? 'a haiku';
    return `Write ${form} about ${subject} (#${index + 1}).`;
  });
}

const words =
  'the of and to in is that for it as was with be by on not he this are or his from at which but have an they you were her all she there would their we him been has when who will more no if out so said what up its about into than them can only other new some could time these two may then do first any my now such like our over man me even most made after also did many before must through back years where much your way well down should because each just those people how too little state good very make world still own see men work long get here between both life being under never day same another know while last might us great old year off come since against go came right used take three'.split(
    ' ',
  );

/**
 * A benchmark prompt of about `tokens` tokens: deterministic filler text with a question, so no dataset has to be
 * downloaded (the original used LongBench narrativeqa).
 */
export function benchPrompt(index: number, tokens: number): string {
  const parts: string[] = [];
  let state = (index + 1) * 2654435761;
  // About 1.3 words per token for English filler.
  const wordCount = Math.max(1, Math.round(tokens * 0.75));
  for (let position = 0; position < wordCount; position += 1) {
    state = (state * 1103515245 + 12345) % 2147483648;
    parts.push(words[state % words.length] ?? 'the');
  }
  return `Context:\n${parts.join(' ')}\n\nQuestion: what is the text above about? (#${index + 1})\nAnswer:`;
}
