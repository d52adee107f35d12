function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

/** What one Responses stream event means to `stream()`. */
export interface ResponseEventReading {
  /** Output text to yield. */
  delta?: string;
  /** The final Responses object (`response.completed` / `response.incomplete`), with its usage. */
  final?: unknown;
  /** Why the provider ended the stream with a failure (`response.failed`, `error`). */
  failure?: string;
}

/** Reads one Server-Sent Event of a Responses stream. Events that carry nothing for the caller read as `{}`. */
export function readResponseEvent(event: unknown): ResponseEventReading {
  switch (field(event, 'type')) {
    case 'response.output_text.delta': {
      const delta = field(event, 'delta');
      return typeof delta === 'string' && delta ? { delta } : {};
    }
    case 'response.completed':
    case 'response.incomplete':
      return { final: field(event, 'response') };
    case 'response.failed': {
      const error = field(field(event, 'response'), 'error');
      const message = field(error, 'message');
      return { failure: typeof message === 'string' ? message : 'the response failed' };
    }
    case 'error': {
      const message = field(event, 'message');
      return { failure: typeof message === 'string' ? message : 'stream error' };
    }
    default:
      return {};
  }
}
