type Json = Record<string, unknown>;

/**
 * The Server-Sent Events of one Responses answer, in OpenAI's order: `response.created`, `response.in_progress`,
 * per output item `output_item.added` (for a message: `content_part.added`, `output_text.delta`s,
 * `output_text.done`, `content_part.done`), `output_item.done`, then `response.completed` (or
 * `response.incomplete`) carrying the full response and its usage. Without `withUsage` the final response has no
 * `usage` (the `no-usage` fault).
 */
export function responseEvents(response: Json, withUsage: boolean): Json[] {
  const events: Json[] = [];
  const push = (event: Json): void => {
    events.push({ ...event, sequence_number: events.length });
  };
  // The spec types `usage` as an object (never null): an in-progress response leaves it out.
  const start = {
    ...withoutUsage(response),
    status: 'in_progress',
    completed_at: null,
    incomplete_details: null,
    output: [],
  };
  push({ type: 'response.created', response: start });
  push({ type: 'response.in_progress', response: start });
  (response.output as Json[]).forEach((item, outputIndex) => {
    if (item.type !== 'message') {
      push({ type: 'response.output_item.added', output_index: outputIndex, item });
      push({ type: 'response.output_item.done', output_index: outputIndex, item });
      return;
    }
    const part = (item.content as Json[])[0]!;
    const text = part.text as string;
    const itemId = item.id as string;
    const at = { item_id: itemId, output_index: outputIndex, content_index: 0 };
    push({
      type: 'response.output_item.added',
      output_index: outputIndex,
      item: { ...item, status: 'in_progress', content: [] },
    });
    push({ type: 'response.content_part.added', ...at, part: { ...part, text: '' } });
    for (const delta of text.match(/[\s\S]{1,16}/g) ?? []) {
      push({ type: 'response.output_text.delta', ...at, delta, logprobs: [] });
    }
    push({ type: 'response.output_text.done', ...at, text, logprobs: [] });
    push({ type: 'response.content_part.done', ...at, part });
    push({ type: 'response.output_item.done', output_index: outputIndex, item });
  });
  const final = withUsage ? response : withoutUsage(response);
  const type = response.status === 'incomplete' ? 'response.incomplete' : 'response.completed';
  push({ type, response: final });
  return events;
}

function withoutUsage(response: Json): Json {
  const { usage: _usage, ...rest } = response;
  return rest;
}
