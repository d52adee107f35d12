import { MockRequestError, MockServerOptionsError } from './errors';
import { isFaultKind, type FaultKind } from './fault-kinds';
import type { FaultOptions } from './options';
import type { Random } from './random';

/** Chooses the fault of each request: the `x-mock-fault` header, then the queue, then the seeded random rates. */
export class FaultPlanner {
  private queue: Array<{ fault: FaultKind; model?: string }> = [];

  constructor(private readonly random: Random) {}

  /** Appends faults for the next matching requests. */
  enqueue(faults: ReadonlyArray<{ fault: FaultKind; model?: string }>): void {
    for (const item of faults) {
      if (!isFaultKind(item.fault))
        throw new MockServerOptionsError(
          `Unknown fault kind ${JSON.stringify(item.fault)} in enqueueFaults().`,
        );
      this.queue.push({ ...item });
    }
  }

  /** Empties the queue. */
  clear(): void {
    this.queue = [];
  }

  /**
   * The fault for one request to `model`, or undefined. `flex_unavailable` (queued or random) only hits requests
   * with `flex: true` (those sent with `service_tier: 'flex'`); other requests pass it by.
   */
  next(
    model: string,
    header: string | undefined,
    options: FaultOptions | undefined,
    request: { flex?: boolean } = {},
  ): FaultKind | undefined {
    if (header !== undefined && header !== '') {
      if (!isFaultKind(header)) {
        throw new MockRequestError(400, `Unknown x-mock-fault '${header}'.`, { param: 'x-mock-fault' });
      }
      return header;
    }
    const index = this.queue.findIndex(
      (item) =>
        (item.model === undefined || item.model === model) &&
        (item.fault !== 'flex_unavailable' || request.flex === true),
    );
    if (index >= 0) return this.queue.splice(index, 1)[0]!.fault;
    return this.draw(options, request.flex === true);
  }

  private draw(options: FaultOptions | undefined, flex: boolean): FaultKind | undefined {
    if (!options) return undefined;
    const roll = this.random.next();
    let edge = 0;
    const statuses = options.statuses?.length ? options.statuses : [500, 502, 503];
    const table: Array<[number | undefined, () => FaultKind]> = [
      [options.errorRate, () => statusFault(this.random.pick(statuses))],
      [options.timeoutRate, () => 'timeout'],
      [options.resetRate, () => 'reset'],
      [options.malformedRate, () => 'malformed'],
      [options.noUsageRate, () => 'no-usage'],
      [flex ? options.flexUnavailableRate : 0, () => 'flex_unavailable'],
    ];
    for (const [rate, make] of table) {
      edge += rate ?? 0;
      if (roll < edge) return make();
    }
    return undefined;
  }
}

function statusFault(status: number): FaultKind {
  return status === 502 ? 'error502' : status === 503 ? 'error503' : 'error500';
}

/** The 5xx a fault answers with, or undefined for non-error faults. */
export function faultError(fault: FaultKind): MockRequestError | undefined {
  switch (fault) {
    case 'error500':
      return new MockRequestError(
        500,
        'The server had an error while processing your request. Sorry about that!',
        {
          type: 'server_error',
        },
      );
    case 'error502':
      return new MockRequestError(502, 'Bad gateway.', { type: 'server_error', code: 'bad_gateway' });
    case 'error503':
      return new MockRequestError(503, 'The engine is currently overloaded, please try again later.', {
        type: 'server_error',
        code: 'overloaded',
      });
    case 'flex_unavailable':
      return new MockRequestError(
        429,
        'Resource unavailable: the flex service tier has no capacity for this request right now. Retry later, or use service_tier "default".',
        { type: 'invalid_request_error', code: 'resource_unavailable' },
      );
    case 'insufficient_quota':
      return new MockRequestError(
        429,
        'You exceeded your current quota, please check your plan and billing details.',
        { type: 'insufficient_quota', code: 'insufficient_quota' },
      );
    default:
      return undefined;
  }
}
