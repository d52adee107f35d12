import type { ServerResponse } from 'node:http';

/** Writes SSE headers and 200. */
export function startStream(response: ServerResponse): void {
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
}

/** Writes one `data: <json>` event, preceded by `event: <name>` when a name is given. */
export function writeEvent(response: ServerResponse, data: unknown, name?: string): void {
  response.write(`${name ? `event: ${name}\n` : ''}data: ${JSON.stringify(data)}\n\n`);
}

/**
 * Streams `chunks` as SSE and ends with `data: [DONE]`. With `malformed`, the second half is replaced by one
 * event whose JSON is cut off, and the stream ends without `[DONE]`. With `named`, each event carries its
 * `type` as `event:` and the stream ends without `[DONE]` (the Responses API's format).
 */
export function writeStream(
  response: ServerResponse,
  chunks: ReadonlyArray<Record<string, unknown>>,
  malformed = false,
  named = false,
): void {
  if (response.destroyed) return;
  startStream(response);
  const name = (chunk: Record<string, unknown>): string | undefined =>
    named && typeof chunk.type === 'string' ? chunk.type : undefined;
  if (malformed) {
    const half = Math.floor(chunks.length / 2);
    for (const chunk of chunks.slice(0, half)) writeEvent(response, chunk, name(chunk));
    const broken = JSON.stringify(chunks[half] ?? { id: 'x' });
    response.end(`data: ${broken.slice(0, Math.max(1, Math.floor(broken.length / 2)))}\n\n`);
    return;
  }
  for (const chunk of chunks) writeEvent(response, chunk, name(chunk));
  response.end(named ? undefined : 'data: [DONE]\n\n');
}
