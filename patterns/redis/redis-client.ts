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
 * - a command sent is raced against a timer; when the timer wins the call fails with RedisUnavailableError. The
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
 * Call is one script call in flight: the promise it settles, its timer, and whether it is settled. The hot path
 * makes no closure per call (a module-level executor, setTimeout's arguments, a module-level async driver): under tsx,
 * esbuild's keepNames wraps every closure in a defineProperty call, which cost more than the rest of a call.
 */
class Call {
  settled = false;
  resolve: (v: unknown) => void = noop;
  reject: (e: unknown) => void = noop;
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  constructor(
    readonly owner: string,
    readonly timeoutMs: number,
  ) {}
}

/** executing is the Call whose promise is being made (the executor runs synchronously inside `new Promise`). */
let executing: Call | null = null;

function capture(resolve: (v: unknown) => void, reject: (e: unknown) => void): void {
  executing!.resolve = resolve;
  executing!.reject = reject;
}

function expire(call: Call): void {
  if (call.settled) return;
  call.settled = true;
  call.reject(new RedisUnavailableError(call.owner, `no reply within ${call.timeoutMs} ms`));
}

/** drive runs the script and settles `call` with its outcome, unless the timer did first. */
async function drive(
  call: Call,
  client: RedisClient,
  script: Script,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<void> {
  let v: unknown;
  try {
    v = await evalScript(client, script, keys, args);
  } catch (e) {
    if (call.settled) return;
    call.settled = true;
    clearTimeout(call.timer);
    call.reject(classify(call.owner, e));
    return;
  }
  if (call.settled) return;
  call.settled = true;
  clearTimeout(call.timer);
  call.resolve(v);
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
  if (DOWN.has(client.status)) {
    return Promise.reject(new RedisUnavailableError(owner, `the client is ${client.status}`));
  }
  const call = new Call(owner, timeoutMs);
  executing = call;
  const p = new Promise(capture);
  executing = null;
  call.timer = setTimeout(expire, timeoutMs, call);
  call.timer.unref();
  void drive(call, client, script, keys, args);
  return p;
}

function noop(): void {}

async function evalScript(
  client: RedisClient,
  script: Script,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  try {
    return await client.evalsha(script.sha, keys.length, ...keys, ...args);
  } catch (e) {
    if (!messageOf(e).startsWith('NOSCRIPT')) throw e;
    return client.eval(script.source, keys.length, ...keys, ...args);
  }
}

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
