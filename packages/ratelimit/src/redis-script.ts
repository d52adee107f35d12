import { redisScript } from '@maxllm/core';

/**
 * The shared state of one limit in Redis, all under one hash tag so a Redis Cluster keeps it on one node:
 * - `log` (sorted set): admission id → when it leaves the window; `entries` (hash): id → "at:requests:tokens";
 * - `running` (sorted set): id → lease expiry, the concurrency slots (a crashed holder's lease runs out);
 * - `claims` (sorted set): waiting id → when it first waited, `claimAlive`: id → claim expiry, `claimTokens`:
 *   id → tokens; a claim keeps its place in line: a later request cannot take what an earlier waiter needs;
 * - `state` (hash): running totals `requests` / `tokens`, `pausedUntil`, the holds set by `observe`, the pace
 *   (`paceRequests` / `paceTokens`: when each bucket is empty again; `paceRequestsWarm` / `paceTokensWarm`: when
 *   its warm-up ends; `paceRequestsTaken` / `paceTokensTaken`: units taken so far, a permit's mark for `sent`), and
 *   `burst` / `strikes` once 429s shrank it.
 */
export const REDIS_KEYS = [
  'log',
  'entries',
  'running',
  'claims',
  'claimAlive',
  'claimTokens',
  'state',
] as const;

export function redisKeys(id: string): string[] {
  return REDIS_KEYS.map((name) => `maxllm:ratelimit:{${id}}:${name}`);
}

export function redisChannel(id: string): string {
  return `maxllm:ratelimit:{${id}}:events`;
}

/**
 * One script, so every operation is atomic: requests, tokens and the concurrency slot are checked and taken
 * together against Redis's clock (`TIME`), never one while waiting for another.
 *
 * ARGV: op, id, rpm, tpm, concurrency (-1 = unbounded), intervalMs, marginMs, leaseMs, claimTtlMs, channel,
 * burstMs (-1 = no pacing), paceSlack, warmupMs, warmupSlack (`pace.ts`'s `WARMUP_SLACK`), wakeToleranceMs (its
 * `WAKE_TOLERANCE_MS`),
 * now (-1 = Redis's `TIME`; else the caller's clock, in ms), then the operation's own arguments; replies end with the
 * usage { requests, tokens, running, burstMs, slack percent }.
 * - `acquire tokens first` (first = 1: the calling limiter's first admission, which warms the pace up) → { 1, 0,
 *   usage..., now, requests mark, tokens mark } when admitted (the marks: each pace's units taken before this
 *   admission), or { 0, waitMs, usage... } where waitMs is when to try again (-1: when something is
 *   released; the caller also polls to keep its claim alive). Admission needs the
 *   even pace of each limit (GCRA: one request every interval/rpm, one token every interval/tpm, at most burstMs
 *   ahead), the sliding window and a slot;
 * - `finish reserved used` (used -1 = keep the charge) ends a permit: frees its slot, reconciles its tokens;
 * - `sent at requestsMark tokensMark`: the permit admitted at those marks left only at `at` (script clock): each pace
 *   spaces the units taken since its mark from `at`;
 * - `observe remainingRequests resetRequestsMs remainingTokens resetTokensMs` (-1 = absent) holds capacity the
 *   provider says is gone; `pause ms` stops admission (every second pause while the window has room for one more
 *   request halves the shared burst, to 0 once under one request's time, or once it is at most one request's time
 *   adds 2% slack to the pace, at most 10%); `drop` removes a
 *   claim; `renew id...` extends leases.
 * An event ("free" or "pause:<ms>:<id of the limiter that paused>") is published when a waiter may now go or must
 * pause.
 */
export const ADMISSION_SCRIPT = redisScript(`
local logKey, entries, running, claims, claimAlive, claimTokens, state =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local op, id = ARGV[1], ARGV[2]
local rpm, tpm, conc = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local interval, margin, lease, claimTtl = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
local channel = ARGV[10]
local burst = tonumber(ARGV[11])
local minSlack = tonumber(ARGV[12])
local warmup, warmupSlack = tonumber(ARGV[13]), tonumber(ARGV[14])
local wakeTolerance = tonumber(ARGV[15])
local now = tonumber(ARGV[16])
-- The operation's own arguments start here.
local A = 17
if now < 0 then
  local clock = redis.call('TIME')
  now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
end

local function parse(entry)
  local at, requests, tokens = string.match(entry, '^(%-?%d+):(%d+):(%d+)$')
  return tonumber(at), tonumber(requests), tonumber(tokens)
end

local function num(field)
  return tonumber(redis.call('HGET', state, field) or '0') or 0
end

local function removeAll(key, members)
  for i = 1, #members, 500 do
    redis.call(key == entries and 'HDEL' or 'ZREM', key, unpack(members, i, math.min(i + 499, #members)))
  end
end

local function dropClaims(members)
  if #members == 0 then return end
  removeAll(claims, members)
  removeAll(claimAlive, members)
  for i = 1, #members, 500 do
    redis.call('HDEL', claimTokens, unpack(members, i, math.min(i + 499, #members)))
  end
end

-- Forget what has left the window, leases that ran out and claims nobody refreshed.
local gone = redis.call('ZRANGEBYSCORE', logKey, '-inf', now)
if #gone > 0 then
  local requests, tokens = 0, 0
  for _, member in ipairs(gone) do
    local entry = redis.call('HGET', entries, member)
    if entry then
      local _, r, t = parse(entry)
      requests, tokens = requests + r, tokens + t
    end
  end
  removeAll(entries, gone)
  redis.call('ZREMRANGEBYSCORE', logKey, '-inf', now)
  -- (0 - n, not -n: Lua's -0 is not an integer to Redis)
  redis.call('HINCRBY', state, 'requests', 0 - requests)
  redis.call('HINCRBY', state, 'tokens', 0 - tokens)
end
redis.call('ZREMRANGEBYSCORE', running, '-inf', now)
dropClaims(redis.call('ZRANGEBYSCORE', claimAlive, '-inf', now))

local function hold(name)
  if num(name .. 'Until') > now then return num(name) end
  return 0
end

local function keepAlive()
  local ttl = 2 * (interval + margin) + lease + claimTtl
  for i = 1, #KEYS do redis.call('PEXPIRE', KEYS[i], ttl) end
end

-- The burst in force: the configured one, or less once 429s shrank it (-1: no pacing).
local shrunk = redis.call('HGET', state, 'burst')
if shrunk then
  shrunk = tonumber(shrunk)
  if burst < 0 or shrunk < burst then burst = shrunk end
end

-- The pace runs at limit / (1 + slack); slack grows once 429s shrank the burst to 0.
local slack = math.max(num('slack'), minSlack)

local function usage()
  return { num('requests') + hold('holdRequests'), num('tokens') + hold('holdTokens'), redis.call('ZCARD', running),
    burst, math.floor(slack * 100 + 0.5) }
end

-- Pacing (GCRA): when a request of 'cost' may go, after 'ahead' units of earlier claims.
local function paceAt(limit, field, cost, ahead)
  if limit < 0 or burst < 0 then return now end
  local unit = interval / limit * (1 + slack)
  return math.max(num(field), now) + ahead * unit - math.max(0, burst - cost * unit)
end

-- Takes (cost > 0 at admission, or a late charge) or gives back (cost < 0, unused tokens) from the pace. An
-- admission more than wakeTolerance behind the pace restarts it from now (GCRA): a late admission is never caught
-- up, so two requests never go closer together than the pace less a timer's lateness, which a provider counting per
-- short quantum would refuse. At admission, the
-- part of the request's time at the full limit that falls in the warm-up is paced warmupSlack slower.
local function pace(limit, field, cost, admission)
  if limit < 0 or cost == 0 then return end
  local full = interval / limit
  local emptyAt = num(field)
  local extra = 0
  if admission then
    if now > emptyAt + wakeTolerance then emptyAt = now end
    local warm = math.min(math.max(0, num(field .. 'Warm') - emptyAt), cost * full)
    extra = warm * warmupSlack - warm * math.min(slack, warmupSlack)
  elseif cost > 0 then
    emptyAt = math.max(emptyAt, now)
  end
  redis.call('HSET', state, field, tostring(emptyAt + cost * full * (1 + slack) + extra))
  redis.call('HINCRBY', state, field .. 'Taken', cost)
end

-- A request admitted at 'mark' (units taken before it) left only at 'at': the units taken since are spaced from then.
local function sentAt(limit, field, mark, at)
  if limit < 0 or burst < 0 then return end
  local unit = interval / limit * (1 + slack)
  local emptyAt = math.max(num(field), at + (num(field .. 'Taken') - mark) * unit)
  redis.call('HSET', state, field, tostring(emptyAt))
end

-- An admission after an idle spell of at least warmupMs (or the first one), or the first of a process that joins
-- (cold), starts a warm-up of the pace: the first requests go on new connections and reach the provider later than
-- the ones after them.
local function warmUp(limit, field, cold)
  if limit < 0 or warmup <= 0 then return end
  local emptyAt = redis.call('HGET', state, field)
  if cold or not emptyAt or now >= tonumber(emptyAt) + warmup then
    redis.call('HSET', state, field .. 'Warm', now + warmup)
  end
end

local function notifyWaiters()
  if redis.call('ZCARD', claims) > 0 then redis.call('PUBLISH', channel, 'free') end
end

-- When at least 'need' requests (field 2) or tokens (field 3) will have left the window, or nil.
local function freedAt(need, field)
  local freed, start = 0, 0
  while true do
    local batch = redis.call('ZRANGE', logKey, start, start + 99, 'WITHSCORES')
    if #batch == 0 then return nil end
    for i = 1, #batch, 2 do
      local entry = redis.call('HGET', entries, batch[i])
      if entry then
        local values = { parse(entry) }
        freed = freed + values[field]
        if freed >= need then return tonumber(batch[i + 1]) end
      end
    end
    start = start + 100
  end
end

local function laterOf(a, b)
  if a == nil or b == nil then return nil end
  return math.max(a, b)
end

local function earlierOf(a, b)
  if a == nil then return b end
  if b == nil then return a end
  return math.min(a, b)
end

-- The earliest time 'need' of a resource is free: from the log, or when the provider's hold ends.
local function freeAt(need, field, holdName)
  local held = hold(holdName)
  local fromHold = nil
  if held > 0 then fromHold = num(holdName .. 'Until') end
  return earlierOf(freedAt(need, field), fromHold)
end

if op == 'acquire' then
  local tokens = tonumber(ARGV[A])
  -- The calling limiter's first admission (a process that may be joining a busy limit).
  local cold = warmup > 0 and ARGV[A + 1] == '1'
  -- Waiters that came first (their claims) count as taken: nobody overtakes them.
  local rank = redis.call('ZRANK', claims, id)
  local ahead = {}
  if not rank then ahead = redis.call('ZRANGE', claims, 0, -1)
  elseif rank > 0 then ahead = redis.call('ZRANGE', claims, 0, rank - 1) end
  local aheadTokens = 0
  for _, member in ipairs(ahead) do
    aheadTokens = aheadTokens + (tonumber(redis.call('HGET', claimTokens, member) or '0') or 0)
  end
  local used = usage()
  local wait = 0
  local blocked = false
  local pausedUntil = num('pausedUntil')
  if pausedUntil > now then wait, blocked = pausedUntil - now, true end
  if conc >= 0 and used[3] + #ahead + 1 > conc then wait, blocked = -1, true end
  if not blocked or wait >= 0 then
    local at = now
    local ready = math.max(paceAt(rpm, 'paceRequests', 1, #ahead), paceAt(tpm, 'paceTokens', tokens, aheadTokens))
    if ready > now then
      blocked = true
      at = math.ceil(ready)
    end
    if rpm >= 0 and used[1] + #ahead + 1 > rpm then
      blocked = true
      at = laterOf(at, freeAt(used[1] + #ahead + 1 - rpm, 2, 'holdRequests'))
    end
    local taken = used[2] + aheadTokens
    if tpm >= 0 and taken + tokens > tpm then
      blocked = true
      at = laterOf(at, freeAt(taken + tokens - tpm, 3, 'holdTokens'))
    end
    if blocked then
      if at == nil then wait = -1 else wait = math.max(wait, at - now) end
    end
  end
  if blocked then
    redis.call('ZADD', claims, 'NX', now, id)
    redis.call('ZADD', claimAlive, now + claimTtl, id)
    redis.call('HSET', claimTokens, id, tokens)
    keepAlive()
    return { 0, wait, used[1], used[2], used[3], used[4], used[5] }
  end
  redis.call('ZADD', logKey, now + interval + margin, id)
  redis.call('HSET', entries, id, now .. ':1:' .. tokens)
  redis.call('HINCRBY', state, 'requests', 1)
  redis.call('HINCRBY', state, 'tokens', tokens)
  local marks = { num('paceRequestsTaken'), num('paceTokensTaken') }
  warmUp(rpm, 'paceRequests', cold)
  warmUp(tpm, 'paceTokens', cold)
  pace(rpm, 'paceRequests', 1, true)
  pace(tpm, 'paceTokens', tokens, true)
  if conc >= 0 then redis.call('ZADD', running, now + lease, id) end
  if rank then
    dropClaims({ id })
    notifyWaiters()
  end
  keepAlive()
  return { 1, 0, used[1] + 1, used[2] + tokens, used[3] + 1, used[4], used[5], now, marks[1], marks[2] }
end

if op == 'sent' then
  local at = tonumber(ARGV[A])
  sentAt(rpm, 'paceRequests', tonumber(ARGV[A + 1]), at)
  sentAt(tpm, 'paceTokens', tonumber(ARGV[A + 2]), at)
  keepAlive()
  return usage()
end

if op == 'finish' then
  local reserved, spent = tonumber(ARGV[A]), tonumber(ARGV[A + 1])
  redis.call('ZREM', running, id)
  local entry = redis.call('HGET', entries, id)
  if entry then
    local at, requests, tokens = parse(entry)
    if spent >= 0 then
      redis.call('HINCRBY', state, 'tokens', spent - tokens)
      pace(tpm, 'paceTokens', spent - tokens)
      tokens = spent
      redis.call('HSET', entries, id, at .. ':' .. requests .. ':' .. tokens)
    end
    redis.call('ZADD', logKey, 'XX', at + interval + math.min(margin, math.max(0, now - at)), id)
  elseif spent > reserved then
    -- The admission already left the window: the extra is counted from now.
    local extra = id .. ':extra'
    redis.call('ZADD', logKey, now + interval, extra)
    redis.call('HSET', entries, extra, now .. ':0:' .. (spent - reserved))
    redis.call('HINCRBY', state, 'tokens', spent - reserved)
    pace(tpm, 'paceTokens', spent - reserved)
  end
  notifyWaiters()
  keepAlive()
  return usage()
end

if op == 'observe' then
  local limits = { { rpm, tonumber(ARGV[A]), tonumber(ARGV[A + 1]), 'holdRequests', 'requests' },
                   { tpm, tonumber(ARGV[A + 2]), tonumber(ARGV[A + 3]), 'holdTokens', 'tokens' } }
  for _, item in ipairs(limits) do
    local limit, remaining, reset, name, total = item[1], item[2], item[3], item[4], item[5]
    if limit >= 0 and remaining >= 0 then
      local span = interval
      if reset >= 0 then span = math.min(interval, reset) end
      redis.call('HSET', state, name, math.max(0, limit - num(total) - remaining), name .. 'Until', now + span)
    end
  end
  keepAlive()
  return usage()
end

if op == 'pause' then
  local used = usage()
  if (rpm < 0 or used[1] + 1 <= rpm) and (tpm < 0 or used[2] < tpm) then
    if redis.call('HINCRBY', state, 'strikes', 1) >= 2 then
      redis.call('HSET', state, 'strikes', 0)
      -- A burst of at most one request's time is strictly even already: slow the pace instead.
      local unit = 1
      if rpm > 0 then unit = math.max(1, interval / rpm) end
      if burst < 0 or burst > unit then
        local half = interval / 120
        if burst > 0 then half = burst / 2 end
        if half < unit then half = 0 end
        burst = half
        redis.call('HSET', state, 'burst', tostring(half))
      else
        burst = 0
        slack = math.min(0.1, math.floor((slack + 0.02) * 100 + 0.5) / 100)
        redis.call('HSET', state, 'burst', '0', 'slack', tostring(slack))
      end
    end
  end
  local untilMs = math.max(num('pausedUntil'), now + tonumber(ARGV[A]))
  redis.call('HSET', state, 'pausedUntil', untilMs)
  redis.call('PUBLISH', channel, 'pause:' .. (untilMs - now) .. ':' .. id)
  keepAlive()
  return usage()
end

if op == 'drop' then
  dropClaims({ id })
  notifyWaiters()
  return usage()
end

if op == 'renew' then
  for i = A, #ARGV do redis.call('ZADD', running, 'XX', now + lease, ARGV[i]) end
  return usage()
end

return redis.error_reply('maxllm ratelimit: unknown op ' .. tostring(op))
`);
