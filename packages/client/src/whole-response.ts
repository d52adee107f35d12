/**
 * A `Response` whose body was already read whole: see {@link WholeResponse}.
 */
export function wholeResponse(bytes: Buffer, init: ResponseInit, url: string): Response {
  return new WholeResponse(bytes, init, url) as unknown as Response;
}

/**
 * A `Response` whose body was already read whole (`createHttpFetch` reads a JSON answer before it resolves). `text()`
 * and `json()`, all the `openai` SDK calls on such an answer, decode the bytes directly; a `Response` built from bytes
 * would first wrap them in a web stream and then read that stream back, which costs more than the JSON parse. Any
 * other use of the body (`body`, `arrayBuffer()`, `blob()`, `bytes()`, `formData()`, `clone()`) goes to a real
 * `Response` of the same bytes, built on first use. The body can be read once, as any `Response`'s.
 */
class WholeResponse extends (Response as new (body: null, init: ResponseInit) => object) {
  readonly #bytes: Buffer;
  readonly #init: ResponseInit;
  readonly #url: string;
  #used = false;
  #real: Response | undefined;

  constructor(bytes: Buffer, init: ResponseInit, url: string) {
    super(null, init);
    this.#bytes = bytes;
    this.#init = init;
    this.#url = url;
  }

  get url(): string {
    return this.#url;
  }

  get bodyUsed(): boolean {
    return this.#real ? this.#real.bodyUsed : this.#used;
  }

  get body(): ReadableStream<Uint8Array> | null {
    return this.#response().body;
  }

  text(): Promise<string> {
    if (this.#real) return this.#real.text();
    if (this.#used) return Promise.reject(new TypeError('Body is unusable: Body has already been read'));
    this.#used = true;
    return Promise.resolve(this.#bytes.toString('utf8'));
  }

  json(): Promise<unknown> {
    return this.text().then((text) => JSON.parse(text) as unknown);
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    return this.#response().arrayBuffer();
  }

  blob(): Promise<Blob> {
    return this.#response().blob();
  }

  bytes(): Promise<Uint8Array> {
    return this.#response()
      .arrayBuffer()
      .then((buffer) => new Uint8Array(buffer));
  }

  formData(): Promise<FormData> {
    return this.#response().formData();
  }

  clone(): Response {
    return this.#response().clone();
  }

  /** The real `Response` of the bytes (already read when `text()` or `json()` read them). */
  #response(): Response {
    if (!this.#real) {
      this.#real = new Response(this.#bytes, this.#init);
      if (this.#used) void this.#real.arrayBuffer();
    }
    return this.#real;
  }
}
