/**
 * The fleet-wide token bucket's Lua script: every decision (refill, take, refund, read, reset) is one atomic script
 * run on the server, on the server's clock (redis.call('TIME')), so that N processes on N hosts with N clocks share
 * one bucket exactly. One call decides many requests of one process at once (the requests of a turn, or the front
 * of its line): the server's work and the round trips are shared by the requests, and every token is still taken
 * by the script, so the fleet-wide bound holds exactly.
 *
 * Key KEYS[1], a string of three doubles packed little-endian (struct.pack('<ddd'), 24 bytes; one GET, and one SET
 * when the bucket changed):
 *
 *   c   the content at time t, in credits (one token is `unit` credits: refillInterval in us; credits flow in at
 *       `rate` per us), so that with an integer refillRate and a whole-ms refillInterval every quantity is an integer
 *       and nothing is rounded (the local TokenBucketRateLimiter's scheme, in us instead of ns)
 *   t   the server time of the last update, in us since the epoch
 *   e   the key's expiry (server time in ms, since the epoch; at most the one Redis keeps, which it counts from a
 *       moment later)
 *
 * Packed, not printed: a double survives struct.pack/unpack bit for bit, as it did printed with %.17g and read back
 * with tonumber, and the server spends less on it (an admission cost 5.8 us of the server's time with the text form
 * "c t", 4.7 us packed; bench/RESULTS.md).
 *
 * A missing key is a full bucket: the script deletes the key when the bucket is full again, and otherwise has it
 * expire at least a second after the bucket would be full, so an idle limiter leaves nothing behind (after one to two
 * seconds more than the refill takes). Setting the expiry is the dearer part of a SET (SET PX cost the server 0.8 us
 * more than SET KEEPTTL), so a write that needs a later expiry asks for one second more than it needs, and the writes
 * within that second keep it (KEEPTTL, Redis 6.0 and later): a serial admission sets the expiry about once a second. A refusal writes nothing:
 * the state "c at t" and the state refilled to now describe the same bucket (the refill is min(full, c + rate * dt),
 * and refilling twice equals refilling once over the sum), so the write would change nothing but the bytes.
 *
 * ARGV: op, full (capacity * unit), rate, unit, then the request sizes in tokens.
 *   try    each size in order, on its own: [2, 2, 1] on 3 tokens takes 2 and 1 (tryAcquire, tryAcquireBatch)
 *   one    one size, as try, and the reply is its wait alone: a lone tryAcquire with no onGrant to tell the time to
 *          (a reply that is a table cost the server 0.45 us more than one that is a number)
 *   line   the longest prefix of the sizes that fits, in order, and stops at the first that does not (a FIFO line)
 *   refund one size given back; peek one size, takes nothing; reset fills the bucket
 * Reply: { the server time in us, then the waits; for peek the credits now after its one wait (text: a Lua number
 * would be truncated to an integer) }. There is one wait per size decided: 0 if granted, else the us until that size
 * could be met, after the grants before it (line: only the last can be non-zero). One flat table: the server
 * converts every table of a reply at a cost (it looks up its special fields), and the nested { waits, now } cost a
 * serial decision about 0.3 us more.
 *
 * Written for the server's cost: no helper function (a closure per call) and no table but the reply; the earlier
 * form with save()/wait() helpers cost the server about a fifth more per admission (bench/RESULTS.md).
 */
import { Script } from './redis-client.js';

export const BUCKET_SCRIPT = new Script(`
local key = KEYS[1]
local op = ARGV[1]
local full = tonumber(ARGV[2])
local rate = tonumber(ARGV[3])
local unit = tonumber(ARGV[4])
local t = redis.call('TIME')
local now = t[1] * 1000000 + t[2]
if op == 'reset' then
  redis.call('DEL', key)
  return {now}
end
local credit = full
local last = now
local exp = 0
local s = redis.call('GET', key)
if s then credit, last, exp = struct.unpack('<ddd', s) end
-- A server clock that went back (a failover to a host whose clock is behind) refills nothing until it catches up.
if now > last then
  credit = credit + (now - last) * rate
  if credit > full then credit = full end
  last = now
end
local reply = nil
local write = false
if op == 'one' then
  -- no table: the reply is the wait alone
  local cost = ARGV[5] * unit
  if cost > credit then return math.ceil((cost - credit) / rate) end
  credit = credit - cost
  write = true
elseif op == 'try' or op == 'line' then
  reply = {now}
  for i = 5, #ARGV do
    local cost = ARGV[i] * unit
    if cost <= credit then
      credit = credit - cost
      reply[i - 3] = 0
      write = true
    else
      reply[i - 3] = math.ceil((cost - credit) / rate)
      if op == 'line' then break end
    end
  end
elseif op == 'refund' then
  reply = {now}
  credit = credit + ARGV[5] * unit
  if credit > full then credit = full end
  write = true
elseif op == 'peek' then
  local cost = ARGV[5] * unit
  local w = 0
  if cost > credit then w = math.ceil((cost - credit) / rate) end
  return {now, w, string.format('%.17g', credit)}
else
  return redis.error_reply('gocsp bucket: unknown op ' .. tostring(op))
end
if write then
  if credit >= full then
    redis.call('DEL', key)
  else
    -- the key may go a second after the bucket is full again (ms, server time)
    local need = (now + (full - credit) / rate) / 1000 + 1000
    if exp >= need then
      redis.call('SET', key, struct.pack('<ddd', credit, last, exp), 'KEEPTTL')
    else
      -- a second more than needed, so that the next decisions keep it; capped (at about 30 years), so that the ms
      -- always print as an integer
      local ttl = math.min(math.ceil((full - credit) / rate / 1000) + 2000, 1e12)
      redis.call('SET', key, struct.pack('<ddd', credit, last, math.floor(now / 1000) + ttl), 'PX', ttl)
    end
  end
end
if op == 'one' then return 0 end
return reply
`);
