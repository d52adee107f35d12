import { describe, expect, it } from 'vitest';
import { createSingleFlight } from './single-flight';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

describe('createSingleFlight', () => {
  it('runs fn once for N concurrent identical keys and gives every caller the answer', async () => {
    const flight = createSingleFlight();
    const gate = deferred<string>();
    let calls = 0;
    const fn = () => {
      calls++;
      return gate.promise;
    };
    const runs = Array.from({ length: 10 }, () => flight.run('k', fn));
    expect(flight.size).toBe(1);
    gate.resolve('answer');
    expect(await Promise.all(runs)).toEqual(Array(10).fill('answer'));
    expect(calls).toBe(1);
    expect(flight.size).toBe(0);
  });

  it('runs different keys separately', async () => {
    const flight = createSingleFlight();
    let calls = 0;
    const results = await Promise.all(
      ['a', 'b', 'a'].map((key) => flight.run(key, () => Promise.resolve(`${key}${++calls}`))),
    );
    expect(results).toEqual(['a1', 'b2', 'a1']);
    expect(calls).toBe(2);
  });

  it('shares an error with every waiter but does not cache it', async () => {
    const flight = createSingleFlight();
    let calls = 0;
    const gate = deferred<string>();
    const failing = () => {
      calls++;
      return gate.promise;
    };
    const runs = [flight.run('k', failing), flight.run('k', failing)];
    gate.reject(new Error('boom'));
    const settled = await Promise.allSettled(runs);
    expect(settled.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(calls).toBe(1);
    await expect(flight.run('k', () => Promise.resolve('fresh'))).resolves.toBe('fresh');
  });

  it('turns a synchronous throw into a rejection', async () => {
    const flight = createSingleFlight();
    const fn = (): Promise<string> => {
      throw new Error('sync');
    };
    await expect(flight.run('k', fn)).rejects.toThrow('sync');
    expect(flight.size).toBe(0);
  });

  it('starts a new call once the previous one settled', async () => {
    const flight = createSingleFlight();
    let calls = 0;
    await flight.run('k', () => Promise.resolve(++calls));
    await flight.run('k', () => Promise.resolve(++calls));
    expect(calls).toBe(2);
  });
});
