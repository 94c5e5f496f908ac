/**
 * The fleet-wide token bucket's Lua script: every decision (refill, take, refund, read, reset) is one atomic script
 * run on the server, on the server's clock (redis.call('TIME')), so that N processes on N hosts with N clocks share
 * one bucket exactly.
 *
 * Key KEYS[1], a string "c t" (one GET and one SET PX per decision: the script's cost is mostly its redis.call()s):
 *
 *   c   the content at time t, in credits (one token is `unit` credits: refillInterval in us; credits flow in at
 *       `rate` per us), so that with an integer refillRate and a whole-ms refillInterval every quantity is an integer
 *       and nothing is rounded (the local TokenBucketRateLimiter's scheme, in us instead of ns)
 *   t   the server time of the last update, in us since the epoch
 *
 * A missing key is a full bucket: the script deletes the key when the bucket is full again, and otherwise sets it to
 * expire when it would be full (plus a second), so an idle limiter leaves nothing behind.
 *
 * ARGV: op, full (capacity * unit), rate, unit, then the request sizes (take, peek, refund: one; batch: several).
 * Reply: { granted (take, refund, reset: 0/1; batch: an array of 0/1), wait in us until the request could be met (0 if
 * granted), the server time in us, and for peek the credits now (text: a Lua number would be truncated to an
 * integer) }. Numbers are stored with %.17g, which keeps every double exact.
 */
import { Script } from './redis-client.js';

export const BUCKET_SCRIPT = new Script(`
local key = KEYS[1]
local op = ARGV[1]
local full = tonumber(ARGV[2])
local rate = tonumber(ARGV[3])
local unit = tonumber(ARGV[4])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
if op == 'reset' then
  redis.call('DEL', key)
  return {1, 0, now}
end
local credit = full
local last = now
local s = redis.call('GET', key)
if s then
  local sp = string.find(s, ' ', 1, true)
  credit = tonumber(string.sub(s, 1, sp - 1))
  last = tonumber(string.sub(s, sp + 1))
end
-- A server clock that went back (a failover to a host whose clock is behind) refills nothing until it catches up.
if now > last then
  credit = math.min(full, credit + (now - last) * rate)
  last = now
end
local function save()
  if credit >= full then
    redis.call('DEL', key)
    return
  end
  -- capped (at about 30 years), so that the ms always print as an integer
  local ttl = math.min(math.ceil((full - credit) / rate / 1000) + 1000, 1e12)
  redis.call('SET', key, string.format('%.17g %.17g', credit, last), 'PX', ttl)
end
local function wait(cost)
  if cost <= credit then return 0 end
  return math.ceil((cost - credit) / rate)
end
if op == 'take' then
  local cost = tonumber(ARGV[5]) * unit
  if cost <= credit then
    credit = credit - cost
    save()
    return {1, 0, now}
  end
  return {0, wait(cost), now}
elseif op == 'batch' then
  local out = {}
  for i = 5, #ARGV do
    local cost = tonumber(ARGV[i]) * unit
    if cost <= credit then
      credit = credit - cost
      out[#out + 1] = 1
    else
      out[#out + 1] = 0
    end
  end
  save()
  return {out, 0, now}
elseif op == 'refund' then
  credit = math.min(full, credit + tonumber(ARGV[5]) * unit)
  save()
  return {1, 0, now}
elseif op == 'peek' then
  return {0, wait(tonumber(ARGV[5]) * unit), now, string.format('%.17g', credit)}
end
return redis.error_reply('gocsp bucket: unknown op ' .. tostring(op))
`);
