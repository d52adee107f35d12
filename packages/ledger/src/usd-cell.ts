/**
 * A USD amount as a ledger cell: nine decimals without trailing zeros (`0.0057`, `0`), empty when unknown. Same text
 * as `value.toFixed(9).replace(/\.?0+$/, '')`, without the regular expression (one per cost cell of every row).
 */
export function usd(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '';
  const text = value.toFixed(9);
  let end = text.length;
  while (text.charCodeAt(end - 1) === 48) end--; // '0'
  if (end < text.length && text.charCodeAt(end - 1) === 46) end--; // '.'
  return text.slice(0, end);
}
