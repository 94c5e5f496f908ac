/**
 * The shared circuit breaker's Lua script: the fleet's breaker record, read and written atomically, each write
 * published on the record's channel in the same script (so no process can see the record change without the message
 * having been sent).
 *
 * Key KEYS[1], a hash: seq (the record's version, bumped by each write), state ('closed', 'open', 'forced-open'),
 * openedAt and at (server Unix ms), reason (the TransitionReason). A missing key is closed at seq 0. Half-open is
 * never written: every process derives it from openedAt + recoveryTimeout, on its own reading of the server's clock.
 *
 * ARGV: op ('read', 'cas': write if seq is still ARGV[3] or the record has expired, 'set': write whatever the seq),
 * channel, expected seq,
 * state, reason, ttl (ms; 0 keeps the record forever, as forced-open needs).
 * Reply: { written 0/1, seq, state, openedAt ('' unless open), reason, at, server now (ms) }: after a write the new
 * record, else the record as it is. Messages published: the same fields joined by '|'.
 */
import { Script } from './redis-client.js';

export const BREAKER_SCRIPT = new Script(`
local key = KEYS[1]
local op = ARGV[1]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local r = redis.call('HMGET', key, 'seq', 'state', 'openedAt', 'reason', 'at')
local seq = tonumber(r[1]) or 0
if op == 'read' or (op == 'cas' and r[1] and tonumber(ARGV[3]) ~= seq) then
  return {0, seq, r[2] or 'closed', r[3] or '', r[4] or '', r[5] or '', now}
end
if op ~= 'cas' and op ~= 'set' then
  return redis.error_reply('gocsp breaker: unknown op ' .. tostring(op))
end
-- A record that expired while this process knew it: go on from the seq it knew, so that seq never goes back for it.
if not r[1] then seq = math.max(seq, tonumber(ARGV[3]) or 0) end
seq = seq + 1
local state = ARGV[4]
local openedAt = ''
if state == 'open' or state == 'forced-open' then openedAt = tostring(now) end
redis.call('HSET', key, 'seq', seq, 'state', state, 'openedAt', openedAt, 'reason', ARGV[5], 'at', now)
local ttl = tonumber(ARGV[6])
if ttl > 0 then redis.call('PEXPIRE', key, ttl) else redis.call('PERSIST', key) end
redis.call('PUBLISH', ARGV[2], table.concat({seq, state, openedAt, ARGV[5], now}, '|'))
return {1, seq, state, openedAt, ARGV[5], tostring(now), now}
`);
