/**
 * The fleet-wide sliding window's Lua script: an exact log of admissions in a sorted set, trimmed and counted in one
 * atomic script run on the server's clock (redis.call('TIME')). Exact, not the two-counter estimate: at most
 * maxRequests admissions in every window of windowSize, whatever the number of processes. One call decides many
 * requests of one process at once (the requests of a turn, or the front of its line): one INCRBY names all their
 * admissions and one ZADD logs them, so the log stays exact while the server's work is shared.
 *
 * Keys: KEYS[1] a sorted set, one member per admission, scored by its server time in us; KEYS[2] a counter that
 * names the members (a member is its sequence number, so two admissions in one microsecond stay two). The window at
 * time now is (now - window, now]: an admission made at t leaves it at t + window exactly. Both keys expire a second
 * after the newest admission leaves the window.
 *
 * ARGV: op, window (us), maxRequests, then
 *   try    request sizes, each decided in order on its own (tryRequest, tryRequestBatch)
 *   line   request sizes: the longest prefix that fits, in order, stopping at the first that does not (a FIFO line)
 *   peek   one size: its wait, admitting nothing;  refund: the members to remove;  reset: nothing
 * Reply: { waits, the server time in us, the count in the window after the op, firsts }. waits has one entry per
 * size decided: 0 if admitted, else the us until it could be (after the admissions before it; line: only the last
 * entry can be non-zero); firsts[i] is the first member of request i's admissions (its k members are firsts[i] ..
 * firsts[i] + k - 1), 0 if it was not admitted.
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
  return {{}, now, 0, {}}
end
if op == 'refund' then
  redis.call('ZREM', log, unpack(ARGV, 4))
  return {{}, now, redis.call('ZCARD', log), {}}
end
redis.call('ZREMRANGEBYSCORE', log, '-inf', num(now - window))
local count = redis.call('ZCARD', log)
-- wait(need): the us until the (need)th oldest admission has left the window; admissions made by this call are at now.
local waited = {}
local function wait(need)
  if waited[need] then return waited[need] end
  local w = window
  if need <= count then
    local e = redis.call('ZRANGE', log, need - 1, need - 1, 'WITHSCORES')
    w = tonumber(e[2]) + window - now
  end
  waited[need] = w
  return w
end
if op == 'peek' then
  local k = tonumber(ARGV[4])
  if count + k <= max then return {{0}, now, count, {}} end
  return {{wait(count + k - max)}, now, count, {}}
end
if op ~= 'try' and op ~= 'line' then
  return redis.error_reply('gocsp window: unknown op ' .. tostring(op))
end
local waits = {}
local firsts = {}
local total = 0
for i = 4, #ARGV do
  local k = tonumber(ARGV[i])
  if count + total + k <= max then
    waits[#waits + 1] = 0
    firsts[#firsts + 1] = total
    total = total + k
  else
    waits[#waits + 1] = wait(count + total + k - max)
    firsts[#firsts + 1] = -1
    if op == 'line' then break end
  end
end
if total > 0 then
  local base = redis.call('INCRBY', seq, total) - total + 1
  local score = num(now)
  local args = {}
  for i = 1, #firsts do
    if firsts[i] >= 0 then
      local first = base + firsts[i]
      firsts[i] = first
      for m = first, first + tonumber(ARGV[3 + i]) - 1 do
        args[#args + 1] = score
        args[#args + 1] = num(m)
        -- unpack() has a limit (the Lua C stack): log a large batch in ZADDs of 1000 members
        if #args == 2000 then
          redis.call('ZADD', log, unpack(args))
          args = {}
        end
      end
    else
      firsts[i] = 0
    end
  end
  if #args > 0 then redis.call('ZADD', log, unpack(args)) end
  local ttl = math.ceil(window / 1000) + 1000
  redis.call('PEXPIRE', log, ttl)
  redis.call('PEXPIRE', seq, ttl)
end
return {waits, now, count + total, firsts}
`);
