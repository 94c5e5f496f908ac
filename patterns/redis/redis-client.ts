/**
 * The Redis side of the fleet-wide patterns: the few client methods they use (RedisClient, which an ioredis `Redis`
 * satisfies), and runScript, which runs one Lua script atomically with a bounded wait.
 *
 * Nothing here imports a Redis client: the user passes one in, so `gocsp/redis` loads no client code of its own and
 * ioredis stays an optional peer dependency that only this entry's users install.
 *
 * Never a hang. A call is decided within `commandTimeout` ms whatever the client does with it:
 * - a client that lost its connection (status 'reconnecting', 'close' or 'end') fails at once, without sending: an
 *   ioredis client would otherwise hold the command in its offline queue until it reconnects;
 * - a command sent is raced against a deadline (one timer per timeout value, see Watch); when it passes first the call fails with RedisUnavailableError. The
 *   command may still run later (an offline queue replaying it after a reconnect): for a limiter that is a grant
 *   nobody uses, which errs on the safe side (fewer grants, never more). A client made with
 *   `enableOfflineQueue: false` and `maxRetriesPerRequest: 0` never replays; docs/redis.md recommends it.
 * - a Redis error reply is the script's answer, not unavailability, and passes through as the client's ReplyError,
 *   except the replies that mean "this server cannot serve now" (LOADING, BUSY, MASTERDOWN, READONLY, TRYAGAIN,
 *   CLUSTERDOWN), which are unavailability.
 *
 * Scripts run by EVALSHA; on a NOSCRIPT reply (a server that restarted, or SCRIPT FLUSH) the script is sent again
 * by EVAL, which also caches it on the server for the next EVALSHA.
 */
import { createHash } from 'node:crypto';
import { InvalidArgumentError } from '../../runtime/index.js';
import { show } from '../core/option-checks.js';
import { RedisUnavailableError } from './redis-errors.js';

/**
 * RedisClient is what the fleet-wide patterns need of a Redis client: an ioredis `Redis` (5.3 and later) is one.
 * RedisCircuitBreaker also needs `duplicate()` for its pub/sub connection (BreakerClient).
 *
 * @example
 * const client: RedisClient = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 0 });
 */
export interface RedisClient {
  /** status is the connection's state ('ready' when connected; ioredis's names). */
  readonly status: string;
  evalsha(sha: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

/** Script is a Lua script and its SHA1 (what EVALSHA names it by). */
export class Script {
  readonly sha: string;
  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }
}

/** DOWN are the client states in which a command would wait for a reconnection: fail at once instead. */
const DOWN = new Set(['reconnecting', 'close', 'end']);
/** BUSY_REPLIES are error replies that mean the server cannot serve now (unavailability, not a script error). */
const BUSY_REPLIES = /^(LOADING|BUSY|MASTERDOWN|READONLY|TRYAGAIN|CLUSTERDOWN)\b/;

/** checkClient requires something that looks like a RedisClient. */
export function checkClient(owner: string, client: unknown): RedisClient {
  const c = client as Partial<RedisClient> | null;
  if (typeof c !== 'object' || c === null || typeof c.evalsha !== 'function' || typeof c.eval !== 'function') {
    throw new InvalidArgumentError(`${owner}: client must be a Redis client (an ioredis Redis), got ${show(client)}`);
  }
  return c as RedisClient;
}

/** checkPrefix requires a non-empty string without whitespace: the namespace of every key the pattern uses. */
export function checkPrefix(owner: string, prefix: unknown): string {
  if (typeof prefix !== 'string' || prefix.length === 0 || /\s/.test(prefix)) {
    throw new InvalidArgumentError(`${owner}: prefix must be a non-empty string without whitespace, got ${show(prefix)}`);
  }
  return prefix;
}

/**
 * Outcome receives the outcome of one script call (sendScript), exactly once: `ok` with the reply, or `fail` with
 * what runScript would reject with (RedisUnavailableError, or the script's error reply). Neither may throw (they
 * run inside the client's promise callbacks and the deadline timer).
 */
export interface Outcome {
  ok(reply: unknown): void;
  fail(e: unknown): void;
}

/**
 * Call is one script call in flight: where its outcome goes, its deadline, and whether it is settled. The hot path
 * makes no closure per call (a module-level async driver, outcomes that are objects): under tsx, esbuild's keepNames
 * wraps every closure in a defineProperty call, which cost more than the rest of a call.
 */
class Call {
  settled = false;
  constructor(
    readonly owner: string,
    readonly timeoutMs: number,
    /** deadline is the performance.now() after which the call fails with RedisUnavailableError. */
    readonly deadline: number,
    readonly to: Outcome,
  ) {}
}

/**
 * Watch bounds the wait of every call made with one timeout, with one timer for all of them instead of a setTimeout
 * and a clearTimeout per call (which cost a serial decision about 1 us of the client's CPU: bench/RESULTS.md).
 *
 *   calls   the calls in the order they were made, from index head on: with one timeout their deadlines are in
 *           the same order. Settled calls are dropped from the front when the next call joins or the timer fires.
 *   timer   armed (unref'd: a call in flight does not keep the process alive, its socket does) for the deadline of
 *           the oldest call, or for a later one: when it fires it fails the calls whose deadline has passed and is
 *           armed again for the next unsettled call, if any. So a serial caller arms about one timer per timeout.
 */
class Watch {
  calls: Call[] = [];
  head = 0;
  timer: ReturnType<typeof setTimeout> | null = null;
  constructor(readonly timeoutMs: number) {}

  add(call: Call): void {
    this.drop();
    this.calls.push(call);
    if (this.timer === null) this.arm(this.timeoutMs);
  }

  /** drop forgets the settled calls at the front. */
  drop(): void {
    const calls = this.calls;
    let head = this.head;
    while (head < calls.length && calls[head]!.settled) head++;
    if (head === calls.length) {
      calls.length = 0;
      head = 0;
    } else if (head > 1024 && head * 2 > calls.length) {
      calls.splice(0, head);
      head = 0;
    }
    this.head = head;
  }

  arm(ms: number): void {
    this.timer = setTimeout(fire, ms, this);
    this.timer.unref();
  }
}

/** watches has one Watch per timeout in use (a limiter's commandTimeout: a few values per process). */
const watches = new Map<number, Watch>();

function fire(w: Watch): void {
  w.timer = null;
  const now = performance.now();
  const calls = w.calls;
  let head = w.head;
  for (; head < calls.length; head++) {
    const call = calls[head]!;
    if (call.settled) continue;
    if (call.deadline > now) break;
    call.settled = true;
    call.to.fail(new RedisUnavailableError(call.owner, `no reply within ${call.timeoutMs} ms`));
  }
  w.head = head;
  w.drop();
  if (w.head < calls.length) w.arm(Math.max(1, Math.ceil(calls[w.head]!.deadline - now)));
}

/**
 * drive runs the script (EVALSHA, and EVAL on NOSCRIPT) and settles `call` with its outcome, unless its Watch did
 * first.
 */
async function drive(
  call: Call,
  client: RedisClient,
  script: Script,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<void> {
  let v: unknown;
  try {
    v = await client.evalsha(script.sha, keys.length, ...keys, ...args);
  } catch (e) {
    if (!messageOf(e).startsWith('NOSCRIPT')) return fail(call, e);
    try {
      v = await client.eval(script.source, keys.length, ...keys, ...args);
    } catch (e2) {
      return fail(call, e2);
    }
  }
  if (call.settled) return;
  call.settled = true;
  call.to.ok(v);
}

function fail(call: Call, e: unknown): void {
  if (call.settled) return;
  call.settled = true;
  call.to.fail(classify(call.owner, e));
}

/**
 * sendScript runs `script` on `keys` and `args` and gives its outcome to `to`: the reply, or RedisUnavailableError
 * (`owner` names the caller) if the client is disconnected (then before sendScript returns) or no reply came within
 * `timeoutMs`, or the client's error for an error reply. It is runScript without a promise of its own, for callers
 * that settle promises of their own with the reply (TurnBatch): one layer of promises less per decision.
 */
export function sendScript(
  owner: string,
  client: RedisClient,
  script: Script,
  keys: readonly string[],
  args: readonly (string | number)[],
  timeoutMs: number,
  to: Outcome,
): void {
  if (DOWN.has(client.status)) {
    to.fail(new RedisUnavailableError(owner, `the client is ${client.status}`));
    return;
  }
  const call = new Call(owner, timeoutMs, performance.now() + timeoutMs, to);
  let watch = watches.get(timeoutMs);
  if (watch === undefined) watches.set(timeoutMs, (watch = new Watch(timeoutMs)));
  watch.add(call);
  void drive(call, client, script, keys, args);
}

/** Settle is the Outcome of runScript: it settles runScript's promise. */
class Settle implements Outcome {
  ok: (reply: unknown) => void = noop;
  fail: (e: unknown) => void = noop;
}

/** making is the Settle whose promise is being made (the executor runs synchronously inside `new Promise`). */
let making: Settle | null = null;

function capture(resolve: (v: unknown) => void, reject: (e: unknown) => void): void {
  making!.ok = resolve;
  making!.fail = reject;
}

/**
 * runScript runs `script` on `keys` and `args` and resolves to its reply, or rejects with RedisUnavailableError
 * (`owner` names the caller) if the client is disconnected or no reply came within `timeoutMs`; an error reply
 * rejects with the client's error.
 */
export function runScript(
  owner: string,
  client: RedisClient,
  script: Script,
  keys: readonly string[],
  args: readonly (string | number)[],
  timeoutMs: number,
): Promise<unknown> {
  const to = new Settle();
  making = to;
  const p = new Promise(capture);
  making = null;
  sendScript(owner, client, script, keys, args, timeoutMs, to);
  return p;
}

function noop(): void {}

/** classify turns a client error into what the caller sees: RedisUnavailableError, or the error reply itself. */
function classify(owner: string, e: unknown): unknown {
  const reply = typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'ReplyError';
  if (reply && !BUSY_REPLIES.test(messageOf(e))) return e;
  return new RedisUnavailableError(owner, messageOf(e) || show(e), e);
}

function messageOf(e: unknown): string {
  return typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string'
    ? (e as { message: string }).message
    : '';
}
