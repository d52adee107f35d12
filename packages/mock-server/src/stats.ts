import type { MockModelStats, MockStats } from './options';

/** Mutable counters behind `MockServer.stats()`. */
export class StatsRecorder {
  private data: MockStats = emptyStats();

  /** One HTTP request to `endpoint` (route template). */
  request(endpoint: string): void {
    this.data.requests++;
    this.data.byEndpoint[endpoint] = (this.data.byEndpoint[endpoint] ?? 0) + 1;
  }

  /** The counters of `model`, created on first use. */
  model(model: string): MockModelStats {
    const existing = this.data.byModel[model];
    if (existing) return existing;
    const created = { requests: 0, rateLimited: 0, promptTokens: 0, completionTokens: 0, admittedTokens: 0 };
    this.data.byModel[model] = created;
    return created;
  }

  /** One 429 sent for `model`. */
  rateLimited(model: string): void {
    this.data.rateLimited++;
    this.model(model).rateLimited++;
  }

  /** One batch line executed. */
  batchLine(): void {
    this.data.batchLines++;
  }

  /** A deep copy of the counters. */
  snapshot(): MockStats {
    return structuredClone(this.data);
  }

  /** Zeroes every counter. */
  reset(): void {
    this.data = emptyStats();
  }
}

function emptyStats(): MockStats {
  return { requests: 0, rateLimited: 0, byModel: {}, byEndpoint: {}, batchLines: 0 };
}
