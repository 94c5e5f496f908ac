/**
 * The fleet-wide sliding window's Lua script: an exact log of admissions in a sorted set, trimmed and counted in one
 * atomic script run on the server's clock (redis.call('TIME')). Exact, not the two-counter estimate: at most
 * maxRequests admissions in every window of windowSize, whatever the number of processes.
 *
 * Keys: KEYS[1] a sorted set, one member per admission, scored by its server time in us; KEYS[2] a counter that
 * names the members (a member is its sequence number, so two admissions in one microsecond stay two). The window at
 * time now is (now - window, now]: an admission made at t leaves it at t + window exactly. Both keys expire a second
 * after the newest admission leaves the window.
 *
 * ARGV: op, window (us), maxRequests, then k (take, peek) or the members to remove (refund).
 * Reply: { granted 0/1, wait in us until k more fit (0 if granted), the server time in us, the count in the window
 * after the op, the first member's number (take; the k members are first .. first + k - 1) }.
 */
import { Script } from './redis-client.js';

export const WINDOW_SCRIPT = new Script(`
local log = KEYS[1]
local seq = KEYS[2]
local op = ARGV[1]
local window = tonumber(ARGV[2])
local max = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local function num(x) return string.format('%.17g', x) end
if op == 'reset' then
  redis.call('DEL', log, seq)
  return {1, 0, now, 0, 0}
end
if op == 'refund' then
  redis.call('ZREM', log, unpack(ARGV, 4))
  return {1, 0, now, redis.call('ZCARD', log), 0}
end
redis.call('ZREMRANGEBYSCORE', log, '-inf', num(now - window))
local count = redis.call('ZCARD', log)
local k = tonumber(ARGV[4])
if op == 'take' and count + k <= max then
  local first = redis.call('INCRBY', seq, k) - k + 1
  for i = 0, k - 1 do
    redis.call('ZADD', log, num(now), num(first + i))
  end
  local ttl = math.ceil(window / 1000) + 1000
  redis.call('PEXPIRE', log, ttl)
  redis.call('PEXPIRE', seq, ttl)
  return {1, 0, now, count + k, first}
end
if op ~= 'take' and op ~= 'peek' then
  return redis.error_reply('gocsp window: unknown op ' .. tostring(op))
end
if count + k <= max then
  return {0, 0, now, count, 0}
end
-- k more fit once the (count + k - max) oldest admissions have left the window.
local e = redis.call('ZRANGE', log, count + k - max - 1, count + k - max - 1, 'WITHSCORES')
return {0, tonumber(e[2]) + window - now, now, count, 0}
`);
