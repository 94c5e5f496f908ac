/**
 * The fleet-wide token bucket's Lua script: every decision (refill, take, refund, read, reset) is one atomic script
 * run on the server, on the server's clock (redis.call('TIME')), so that N processes on N hosts with N clocks share
 * one bucket exactly.
 *
 * Key KEYS[1], a hash:
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
 * granted), the server time in us, the credits left (text: a Lua number would be truncated to an integer) }.
 * Numbers go out with %.17g, which keeps every double exact.
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
local function num(x) return string.format('%.17g', x) end
if op == 'reset' then
  redis.call('DEL', key)
  return {1, 0, now, num(full)}
end
local s = redis.call('HMGET', key, 'c', 't')
local credit = tonumber(s[1])
local last = tonumber(s[2])
if credit == nil or last == nil then
  credit = full
  last = now
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
  redis.call('HSET', key, 'c', num(credit), 't', num(last))
  redis.call('PEXPIRE', key, math.ceil((full - credit) / rate / 1000) + 1000)
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
    return {1, 0, now, num(credit)}
  end
  return {0, wait(cost), now, num(credit)}
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
  return {out, 0, now, num(credit)}
elseif op == 'refund' then
  credit = math.min(full, credit + tonumber(ARGV[5]) * unit)
  save()
  return {1, 0, now, num(credit)}
elseif op == 'peek' then
  return {0, wait(tonumber(ARGV[5]) * unit), now, num(credit)}
end
return redis.error_reply('gocsp bucket: unknown op ' .. tostring(op))
`);
