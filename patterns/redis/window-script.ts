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
 *   one    one size, as try, and the reply is its wait alone (a number): a lone tryRequest with no onGrant to tell
 *          the time to
 *   line   request sizes: the longest prefix that fits, in order, stopping at the first that does not (a FIFO line)
 *   peek   one size: its wait, admitting nothing;  refund: the members to remove;  reset: nothing
 * Reply: { the server time in us, the count in the window after the op, then for each size decided its wait and
 * its first member }: the wait is 0 if admitted, else the us until it could be (after the admissions before it;
 * line: only the last wait can be non-zero); the first member names request i's admissions (its k members are
 * first .. first + k - 1), 0 if it was not admitted.
 *
 * Written for the server's cost, as the bucket's script (bucket-script.ts): one flat reply table (the server
 * converts each table of a reply at a cost), no helper closures, and the integers (times in us, members) printed
 * with %d rather than %.17g.
 */
import { Script } from './redis-client.js';

export const WINDOW_SCRIPT = new Script(`
local log = KEYS[1]
local seq = KEYS[2]
local op = ARGV[1]
local window = tonumber(ARGV[2])
local max = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = t[1] * 1000000 + t[2]
if op == 'reset' then
  redis.call('DEL', log, seq)
  return {now, 0}
end
if op == 'refund' then
  redis.call('ZREM', log, unpack(ARGV, 4))
  return {now, redis.call('ZCARD', log)}
end
redis.call('ZREMRANGEBYSCORE', log, '-inf', string.format('%d', now - window))
local count = redis.call('ZCARD', log)
-- the wait for need: the us until the (need)th oldest admission has left the window; admissions made by this call
-- are at now. lastNeed/lastWait spare a ZRANGE to refusals in a row that need the same.
local lastNeed = -1
local lastWait = 0
if op == 'peek' then
  local need = count + tonumber(ARGV[4]) - max
  local w = 0
  if need > 0 then
    w = window
    if need <= count then
      local e = redis.call('ZRANGE', log, need - 1, need - 1, 'WITHSCORES')
      w = tonumber(e[2]) + window - now
    end
  end
  return {now, count, w, 0}
end
if op ~= 'try' and op ~= 'one' and op ~= 'line' then
  return redis.error_reply('gocsp window: unknown op ' .. tostring(op))
end
local reply = {now, count}
local total = 0
for i = 4, #ARGV do
  local k = tonumber(ARGV[i])
  local need = count + total + k - max
  if need <= 0 then
    reply[#reply + 1] = 0
    reply[#reply + 1] = total
    total = total + k
  else
    if need ~= lastNeed then
      lastNeed = need
      lastWait = window
      if need <= count then
        local e = redis.call('ZRANGE', log, need - 1, need - 1, 'WITHSCORES')
        lastWait = tonumber(e[2]) + window - now
      end
    end
    reply[#reply + 1] = lastWait
    reply[#reply + 1] = -1
    if op == 'line' then break end
  end
end
reply[2] = count + total
if total > 0 then
  local base = redis.call('INCRBY', seq, total) - total + 1
  local score = string.format('%d', now)
  local args = {}
  for j = 4, #reply, 2 do
    if reply[j] >= 0 then
      local first = base + reply[j]
      reply[j] = first
      for m = first, first + tonumber(ARGV[2 + j / 2]) - 1 do
        args[#args + 1] = score
        args[#args + 1] = string.format('%d', m)
        -- unpack() has a limit (the Lua C stack): log a large batch in ZADDs of 1000 members
        if #args == 2000 then
          redis.call('ZADD', log, unpack(args))
          args = {}
        end
      end
    else
      reply[j] = 0
    end
  end
  if #args > 0 then redis.call('ZADD', log, unpack(args)) end
  local ttl = math.ceil(window / 1000) + 1000
  redis.call('PEXPIRE', log, ttl)
  redis.call('PEXPIRE', seq, ttl)
end
if op == 'one' then return reply[3] end
return reply
`);
