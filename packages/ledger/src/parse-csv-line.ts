/**
 * Splits one CSV line into fields (RFC 4180 quoting: `"a,b"`, `"say ""hi"""`). Lines never contain newlines
 * because the ledger flattens them. Returns `undefined` for an unterminated quote.
 */
export function parseCsvLine(line: string): string[] | undefined {
  if (!line.includes('"')) return line.split(',');
  const fields: string[] = [];
  let index = 0;
  for (;;) {
    if (line[index] === '"') {
      let value = '';
      let position = index + 1;
      for (;;) {
        const quote = line.indexOf('"', position);
        if (quote === -1) return undefined;
        value += line.slice(position, quote);
        if (line[quote + 1] === '"') {
          value += '"';
          position = quote + 2;
        } else {
          index = quote + 1;
          break;
        }
      }
      fields.push(value);
      if (index >= line.length) return fields;
      if (line[index] !== ',') return undefined;
      index += 1;
    } else {
      const comma = line.indexOf(',', index);
      if (comma === -1) {
        fields.push(line.slice(index));
        return fields;
      }
      fields.push(line.slice(index, comma));
      index = comma + 1;
    }
  }
}
