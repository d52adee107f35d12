import { redisScript, runRedisScript } from '@maxllm/core';
import type { BudgetCounter, BudgetKey, BudgetStore, ReserveReply } from './budget-store';
import { BudgetBackendError } from './errors';

/** The slice of an ioredis client (`Redis` or `Cluster`) the shared budget uses. */
export interface BudgetRedisClient {
  evalsha(sha: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

/** Options of {@link createRedisBudgetStore}. */
export interface RedisBudgetStoreOptions {
  client: BudgetRedisClient;
  /**
   * Prefix of every key. All keys share one hash tag, so the script also runs on Redis Cluster.
   * @default 'maxllm:budget:'
   */
  prefix?: string;
  /**
   * A reservation not settled within this time is dropped (its process died), giving its amount back.
   * @unit milliseconds
   * @default 3_600_000
   */
  leaseMs?: number;
}

/** How long a counter outlives its last use (a day counter must outlive its day). @unit seconds */
const KEY_TTL_S = 3 * 86_400;

/**
 * One script for every operation, so a check and a take are one atomic step on the server. Each counter is a hash
 * (`spent`, `reserved`, and the amount of each open reservation under `h:<id>`) with a sorted set of open
 * reservations by deadline; reservations past their deadline are given back first, on every call.
 * ARGV: op, id, amount, leaseMs, keyTtlS, then (cap, seed) per key.
 */
const SCRIPT = redisScript(`
local op, id, amount, lease, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function purge(key)
  local leases = key .. ':leases'
  local expired = redis.call('ZRANGEBYSCORE', leases, '-inf', now)
  for _, old in ipairs(expired) do
    local held = tonumber(redis.call('HGET', key, 'h:' .. old) or '0')
    redis.call('HINCRBY', key, 'reserved', -held)
    redis.call('HDEL', key, 'h:' .. old)
  end
  if #expired > 0 then redis.call('ZREMRANGEBYSCORE', leases, '-inf', now) end
end
local function counter(i)
  local key = KEYS[i]
  redis.call('HSETNX', key, 'spent', ARGV[5 + 2 * i])
  purge(key)
  return tonumber(redis.call('HGET', key, 'spent')), tonumber(redis.call('HGET', key, 'reserved') or '0')
end
if op == 'reserve' then
  for i = 1, #KEYS do
    local spent, reserved = counter(i)
    if spent + reserved + amount > tonumber(ARGV[4 + 2 * i]) then return {0, i, spent, reserved} end
  end
  for i = 1, #KEYS do
    redis.call('HINCRBY', KEYS[i], 'reserved', amount)
    redis.call('HSET', KEYS[i], 'h:' .. id, amount)
    redis.call('ZADD', KEYS[i] .. ':leases', now + lease, id)
    redis.call('EXPIRE', KEYS[i], ttl)
    redis.call('EXPIRE', KEYS[i] .. ':leases', ttl)
  end
  return {1}
elseif op == 'settle' then
  for i = 1, #KEYS do
    counter(i)
    local held = tonumber(redis.call('HGET', KEYS[i], 'h:' .. id) or '0')
    redis.call('HINCRBY', KEYS[i], 'reserved', -held)
    redis.call('HDEL', KEYS[i], 'h:' .. id)
    redis.call('ZREM', KEYS[i] .. ':leases', id)
    redis.call('HINCRBY', KEYS[i], 'spent', amount)
    redis.call('EXPIRE', KEYS[i], ttl)
  end
  return {1}
else
  local out = {}
  for i = 1, #KEYS do
    local spent, reserved = counter(i)
    out[2 * i - 1] = spent
    out[2 * i] = reserved
  end
  return out
end
`);

/**
 * The shared budget store: counters in Redis, checked and taken by one Lua script, so every process and host that
 * shares the Redis shares the caps. Uses Redis's own clock for reservation leases.
 */
export function createRedisBudgetStore(options: RedisBudgetStoreOptions): BudgetStore {
  const prefix = options.prefix ?? 'maxllm:budget:';
  const leaseMs = options.leaseMs ?? 3_600_000;
  const keyOf = (key: BudgetKey): string => `${prefix}{budget}:${key.name}`;

  const run = async (
    op: 'reserve' | 'settle' | 'read',
    id: string,
    keys: readonly BudgetKey[],
    amount: number,
  ): Promise<number[]> => {
    const names = keys.map(keyOf);
    const argv = [op, id, amount, leaseMs, KEY_TTL_S, ...keys.flatMap((key) => [key.cap, key.seed])];
    try {
      return (await runRedisScript(options.client, SCRIPT, names, argv)) as number[];
    } catch (error) {
      throw new BudgetBackendError(`Budget store (Redis) failed to ${op}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  };

  return {
    async reserve(id, keys, amount): Promise<ReserveReply> {
      const reply = await run('reserve', id, keys, amount);
      if (reply[0] === 1) return { ok: true };
      const key = keys[Number(reply[1]) - 1] as BudgetKey;
      return { ok: false, key, counter: { spent: Number(reply[2]), reserved: Number(reply[3]) } };
    },
    async settle(id, keys, actual) {
      await run('settle', id, keys, actual);
    },
    async read(keys): Promise<BudgetCounter[]> {
      const reply = await run('read', '', keys, 0);
      return keys.map((_, i) => ({ spent: Number(reply[2 * i]), reserved: Number(reply[2 * i + 1]) }));
    },
    close: () => Promise.resolve(),
  };
}
