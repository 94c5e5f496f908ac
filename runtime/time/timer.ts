/**
 * Timers and tickers: Go's time.NewTimer, time.After, time.NewTicker and time.Tick. Durations are milliseconds
 * (fractions allowed, rounded to the nanosecond); see ./duration.ts.
 */
import { InvalidArgumentError } from '../panics.js';
import type { RecvChan } from '../chan/types.js';
import { checkDuration, checkFunction, describe } from '../validate.js';
import { AfterFuncTimer } from './after-func.js';
import { currentClock } from './clock.js';
import { toNanos } from './duration.js';
import { TimerChan } from './timer-chan.js';

/**
 * Timer is Go's time.Timer: `c` receives the due time once, unless the timer is stopped first.
 *
 * @example
 * const t = newTimer(50);
 * if (t.stop()) console.log('stopped before it fired'); // nothing is received from t.c after stop
 * t.reset(10); // re-armed
 * await t.c.recv(); // the due time, 10 ms later
 */
export class Timer {
  /** c is the timer's channel. Receiving from it after stop() or reset() never yields a stale value. */
  readonly c: RecvChan<Date>;
  readonly #ch: TimerChan;

  /** @internal use newTimer. */
  constructor(ch: TimerChan) {
    this.#ch = ch;
    this.c = ch;
  }

  /** stop prevents the timer from firing; it reports whether the timer was still active. */
  stop(): boolean {
    return this.#ch.stop();
  }

  /** reset makes the timer fire `d` ms from now; it reports whether it was active. */
  reset(d: number): boolean {
    return this.#ch.rearm(toNanos(checkDuration('Timer.reset', 'd', d)), 0);
  }

  /**
   * afterFunc is Go's time.AfterFunc: it waits `d` ms (d <= 0: no wait), then calls `f` in its own goroutine, and
   * returns the timer, whose stop() cancels the call and reset(d) reschedules it. The timer has no channel (Go's C
   * is nil). It lives on Timer because the flat namespace already gives `afterFunc` to context.AfterFunc.
   *
   * The timer runs on the clock current at creation (virtual inside synctest.run, where `f`'s goroutine joins the
   * bubble), and keeps the process alive while it is pending. A throw from `f` is a panic of its goroutine.
   *
   * Throws InvalidArgumentError if `d` is not a finite number or `f` is not a function.
   *
   * @example
   * const t = Timer.afterFunc(30 * Second, () => console.warn('still waiting for the reply'));
   * const reply = await replies.recv();
   * t.stop();
   */
  static afterFunc(d: number, f: () => unknown): AfterFuncTimer {
    checkDuration('Timer.afterFunc', 'd', d);
    checkFunction('Timer.afterFunc', 'f', f);
    const clock = currentClock();
    return new AfterFuncTimer(clock, clock.nanotime() + toNanos(d), f);
  }
}

/**
 * Ticker is Go's time.Ticker: `c` receives a tick every period; a slow receiver gets one tick and misses the rest.
 *
 * @example
 * const ticker = newTicker(100);
 * for (let i = 0; i < 3; i++) console.log('tick', await ticker.c.recv()); // a Date every 100 ms
 * ticker.stop(); // stop it once done: nothing else will
 */
export class Ticker {
  /** c is the ticker's channel. */
  readonly c: RecvChan<Date>;
  readonly #ch: TimerChan;

  /** @internal use newTicker. */
  constructor(ch: TimerChan) {
    this.#ch = ch;
    this.c = ch;
  }

  /** stop turns the ticker off; no more ticks are received. */
  stop(): void {
    this.#ch.stop();
  }

  /** reset stops the ticker and restarts it with period `d` ms (> 0). */
  reset(d: number): void {
    const p = toNanos(checkPeriod('Ticker.reset', 'non-positive interval for Ticker.Reset', d));
    this.#ch.rearm(p, p);
  }
}

/**
 * newTimer makes a Timer whose channel receives the due time after `d` ms (d <= 0: at once). It keeps the process
 * alive only while a goroutine is parked on its channel.
 *
 * @example
 * const t = newTimer(1000);
 * const v = await select([recvCase(t.c, () => 'due'), recvCase(chan<number>(), () => 'work')]);
 * t.stop();
 * console.log(v); // due, after 1 s
 */
export function newTimer(d: number): Timer {
  checkDuration('newTimer', 'd', d);
  const clock = currentClock();
  return new Timer(new TimerChan(clock, clock.nanotime() + toNanos(d), 0));
}

/**
 * after is Go's time.After: a channel that receives the due time after `d` ms (at once for d <= 0). It is never
 * null, whatever `d` is (Go's After never returns nil).
 *
 * @example
 * await select([recvCase(results, use), recvCase(after(500), () => console.log('timeout'))]);
 */
export function after(d: number): RecvChan<Date> {
  return newTimer(d).c;
}

/**
 * newTicker makes a Ticker with period `d` ms; a non-positive period panics, as in Go.
 *
 * @example
 * const ticker = newTicker(10 * Second);
 * const done = chan<void>();
 * go(async () => { await sleep(25 * Second); done.close(); });
 * for (let running = true; running; ) {
 *   running = await select([recvCase(ticker.c, () => (console.log('heartbeat'), true)), recvCase(done, () => false)]);
 * }
 * ticker.stop(); // heartbeat printed twice
 */
export function newTicker(d: number): Ticker {
  const p = toNanos(checkPeriod('newTicker', 'non-positive interval for NewTicker', d));
  const clock = currentClock();
  return new Ticker(new TimerChan(clock, clock.nanotime() + p, p));
}

/**
 * TickChan is the type of `tick(d)` for a `d` of type D. Go's time.Tick returns nil when d <= 0, so the honest type
 * of tick(d) for a computed `d` is `RecvChan<Date> | null`; for a number literal the compiler can tell the sign:
 *
 *   tick(1000)           RecvChan<Date>          a positive literal (or Second, Minute, ...): never nil
 *   tick(0), tick(-5)    null                    zero or a negative literal: always nil
 *   tick(d: number)      RecvChan<Date> | null   could be either (`5 * Second` is a computed number too)
 *
 * For a channel that is never nil whatever `d` is, use `newTicker(d).c`, which throws for d <= 0 as Go's NewTicker
 * panics.
 *
 * @example
 * const every: TickChan<1000> = tick(1000); // RecvChan<Date>
 * const maybe: TickChan<number> = tick(Number(process.env['PERIOD'] ?? 0)); // RecvChan<Date> | null
 * await select([recvCase(every), recvCase(maybe)]); // a null tick is never ready
 */
export type TickChan<D extends number> = D extends unknown
  ? number extends D
    ? RecvChan<Date> | null
    : `${D}` extends `-${string}` | '0'
      ? null
      : RecvChan<Date>
  : never;

/**
 * tick is Go's time.Tick: the channel of a new ticker with period `d` ms, or `null` (a nil channel: a receive blocks
 * forever, a select case on it is never ready) when `d` <= 0. Its type says which, where the compiler can know (see
 * TickChan): non-null for a positive literal such as `tick(1000)`, nullable for a computed duration. The ticker
 * cannot be stopped; use newTicker for one that can.
 *
 * Throws InvalidArgumentError if `d` is not a finite number.
 *
 * @example
 * for await (const t of tick(1000)) console.log('tick', t); // tick(1000): RecvChan<Date>
 * const every = tick(cfg.interval); // RecvChan<Date> | null: null (never ready) if cfg.interval <= 0
 * await select([recvCase(every, refresh), recvCase(ctx.done(), () => {})]);
 */
export function tick<D extends number>(d: D): TickChan<D>;
export function tick(d: number): RecvChan<Date> | null {
  checkDuration('tick', 'd', d);
  return d <= 0 ? null : newTicker(d).c;
}

function checkPeriod(fn: string, goText: string, d: number): number {
  checkDuration(fn, 'd', d);
  if (d <= 0) throw new InvalidArgumentError(`${goText} (${fn}: d must be > 0, got ${describe(d)})`);
  return d;
}
