import { describe, expect, it } from 'vitest';
import { wholeResponse } from './whole-response';

const answer = (text = '{"a":1,"b":"é"}'): Response =>
  wholeResponse(
    Buffer.from(text),
    {
      status: 201,
      statusText: 'Created',
      headers: { 'content-type': 'application/json', 'x-request-id': 'req_1' },
    },
    'http://127.0.0.1:1/v1/chat/completions',
  );

describe('wholeResponse', () => {
  it('is a Response with the status, headers and URL of the answer', () => {
    const response = answer();
    expect(response).toBeInstanceOf(Response);
    expect([response.status, response.statusText, response.ok]).toEqual([201, 'Created', true]);
    expect(response.headers.get('x-request-id')).toBe('req_1');
    expect(response.url).toBe('http://127.0.0.1:1/v1/chat/completions');
  });

  it('reads as JSON or text once, as a Response does', async () => {
    const response = answer();
    expect(response.bodyUsed).toBe(false);
    expect(await response.json()).toEqual({ a: 1, b: 'é' });
    expect(response.bodyUsed).toBe(true);
    await expect(response.text()).rejects.toThrow(TypeError);
    await expect(response.arrayBuffer()).rejects.toThrow(TypeError);
    await expect(answer('not json').json()).rejects.toThrow(SyntaxError);
  });

  it('gives the same bytes through body, arrayBuffer, blob, bytes and clone', async () => {
    expect(new TextDecoder().decode(await answer().arrayBuffer())).toBe('{"a":1,"b":"é"}');
    expect(await (await answer().blob()).text()).toBe('{"a":1,"b":"é"}');
    expect(
      new TextDecoder().decode(await (answer() as unknown as { bytes(): Promise<Uint8Array> }).bytes()),
    ).toBe('{"a":1,"b":"é"}');
    const streamed = answer();
    expect(await new Response(streamed.body).text()).toBe('{"a":1,"b":"é"}');
    expect(streamed.bodyUsed).toBe(true);
    const original = answer();
    const copy = original.clone();
    expect(await copy.json()).toEqual({ a: 1, b: 'é' });
    expect(await original.text()).toBe('{"a":1,"b":"é"}');
  });
});
