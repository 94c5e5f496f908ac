/**
 * TimeoutPolicy bounds how long a call may take, as a Policy that composes with wrap(): `wrap(retry, breaker,
 * timeout)` gives each attempt its own deadline, and the breaker counts a timed-out attempt as a failure.
 *
 * It is Go's context.WithTimeout around the call: the call receives a Context canceled at the deadline (its
 * `done()` channel closes, its `signal` aborts, `err()` is DeadlineExceeded and `cause(ctx)` the CallTimeoutError),
 * and is expected to give up then. JavaScript cannot stop a call that does not look, so the strategy says what the
 * policy does about one:
 * - 'cooperative' (default): the policy settles when the call does. A call that fails after its deadline rejects
 *   with CallTimeoutError (its own error as `cause`); a call that ignores the Context and finishes late resolves
 *   with its value, late: nothing is lost, and the caller waited.
 * - 'aggressive': the policy rejects with CallTimeoutError at the deadline (or with the cancel's reason when the
 *   caller's cancel comes first) without waiting; the call goes on in the background with its Context canceled, and
 *   what it settles with is dropped. Use it when the caller must not wait, knowing the work may still be running.
 *
 * The deadline is a timer of the runtime's clock (virtual inside synctest), armed per call and removed when the call
 * settles; an earlier deadline of the caller's Context wins, as in Go.
 */
import { cause, afterFunc, type Context, withTimeoutCause } from '../../runtime/index.js';
import { cancelError, fnError } from '../core/call-checks.js';
import { type Cancel, cancelReason, toContext } from '../core/cancel.js';
import { oneOf, options, positive } from '../core/option-checks.js';
import type { Policy } from '../core/policy.js';
import { CallTimeoutError } from './timeout-errors.js';

/**
 * TimeoutStrategy is what a TimeoutPolicy does about a call still running at its deadline: 'cooperative' waits for
 * it, 'aggressive' rejects at once and leaves it running (see the file header).
 *
 * @example
 * const strategy: TimeoutStrategy = callHonoursSignal ? 'cooperative' : 'aggressive';
 */
export type TimeoutStrategy = 'cooperative' | 'aggressive';

/**
 * TimeoutPolicyConfig configures a TimeoutPolicy: `timeout` is required, `strategy` defaults to 'cooperative'.
 *
 * @example
 * const config: TimeoutPolicyConfig = { timeout: 500, strategy: 'aggressive' };
 */
export interface TimeoutPolicyConfig {
  /** timeout: ms a call may run before its Context is canceled. Required: a finite number > 0. */
  timeout: number;
  /** strategy: 'cooperative' (wait for the call) or 'aggressive' (reject at the deadline). Default 'cooperative'. */
  strategy: TimeoutStrategy;
}

const OWNER = 'TimeoutPolicy';
const KEYS = ['timeout', 'strategy'];
const STRATEGIES = ['cooperative', 'aggressive'] as const;

/**
 * TimeoutPolicy runs each call with a Context canceled `timeout` ms after the call starts (cockatiel's `timeout`,
 * Go's context.WithTimeout). See TimeoutStrategy for a call that ignores its Context.
 *
 * @example
 * const timeout = new TimeoutPolicy({ timeout: 2 * Second });
 * const policy = wrap(retry, breaker, timeout); // each attempt gets 2 s; a timeout counts as a failure
 * const res = await policy.execute((ctx) => fetch(url, { signal: ctx.signal }), req.signal);
 */
export class TimeoutPolicy implements Policy {
  /** timeout is the time a call may take, in ms. */
  readonly timeout: number;
  /** strategy is what the policy does about a call still running at its deadline. */
  readonly strategy: TimeoutStrategy;

  /**
   * TimeoutPolicy makes a policy from its config; a missing or bad option throws InvalidArgumentError naming it
   * ("TimeoutPolicy: timeout must be a finite number > 0, got 0").
   *
   * @example
   * const fast = new TimeoutPolicy({ timeout: 250, strategy: 'aggressive' });
   */
  constructor(config: Partial<TimeoutPolicyConfig> & Pick<TimeoutPolicyConfig, 'timeout'>) {
    const c = options<Partial<TimeoutPolicyConfig>>(OWNER, config, KEYS);
    this.timeout = positive(OWNER, 'timeout', c.timeout);
    this.strategy = oneOf(OWNER, 'strategy', STRATEGIES, c.strategy ?? 'cooperative');
  }

  /**
   * execute runs `fn` with a Context that is canceled at the deadline or when `cancel` is, and settles as the
   * strategy says (see TimeoutStrategy). A `cancel` already done rejects with its reason and `fn` does not run; the
   * caller's cancel while `fn` runs is for `fn` to observe (and, under 'aggressive', rejects at once with its
   * reason). It never throws: a bad `fn` or `cancel` rejects with InvalidArgumentError.
   *
   * @example
   * const body = await timeout.execute(async (ctx) => (await fetch(url, { signal: ctx.signal })).text());
   */
  execute<T>(fn: (ctx: Context) => Promise<T> | T, cancel?: Cancel): Promise<T> {
    const bad = fnError('TimeoutPolicy.execute', fn) ?? cancelError('TimeoutPolicy.execute', cancel);
    if (bad !== null) return Promise.reject(bad);
    const [parent, release] = toContext(cancel);
    if (parent.err() !== null) {
      release();
      return Promise.reject(cancelReason(parent));
    }
    // The error is made with the deadline, so that cause(ctx) is it and a call can `throw cancelReason(ctx)`.
    const timedOut = new CallTimeoutError(this.timeout);
    const [ctx, stop] = withTimeoutCause(parent, this.timeout, timedOut);
    const end = (): void => {
      stop();
      release();
    };
    let p: Promise<T>;
    try {
      p = Promise.resolve(fn(ctx));
    } catch (e) {
      p = Promise.reject(e);
    }
    if (this.strategy === 'cooperative') {
      return p.then(
        (v) => {
          end();
          return v;
        },
        (e: unknown) => {
          // Read before end(): stop() cancels ctx, with Canceled, if the deadline has not passed.
          const ours = cause(ctx) === timedOut;
          end();
          if (!ours || e === timedOut) throw e;
          timedOut.cause = e;
          throw timedOut;
        },
      );
    }
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      // afterFunc keeps the deadline's timer ref'd: the process stays alive to reject at the deadline.
      const unwatch = afterFunc(ctx, () => {
        if (settled) return;
        settled = true;
        reject(cause(ctx) === timedOut ? timedOut : cancelReason(parent));
        end();
      });
      p.then(
        (v) => {
          if (settled) return;
          settled = true;
          unwatch();
          end();
          resolve(v);
        },
        (e: unknown) => {
          if (settled) return; // dropped: the policy has already rejected
          settled = true;
          unwatch();
          end();
          reject(e);
        },
      );
    });
  }
}
