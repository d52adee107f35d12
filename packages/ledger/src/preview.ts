/** Preview length written to the CSV. @unit characters */
export const previewLength = 80;

/** Replaces CR, LF and tabs with spaces so a CSV field never spans lines. */
export function oneLine(text: string): string {
  return text.replace(/[\r\n\t]/g, ' ');
}

/** First `previewLength` characters (code points, so no half surrogate pair) with newlines flattened. */
export function preview(text: string | undefined): string {
  if (text === undefined || text === '') return '';
  const head =
    text.length <= previewLength
      ? text
      : Array.from(text.slice(0, previewLength * 2))
          .slice(0, previewLength)
          .join('');
  return oneLine(head);
}
