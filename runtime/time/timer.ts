/**
 * Timers and tickers: Go's time.NewTimer, time.After, time.NewTicker and time.Tick. Durations are milliseconds
 * (fractions allowed, rounded to the nanosecond); see ./duration.ts.
 */
import { InvalidArgumentError } from '../errors.js';
import type { RecvChan } from '../chan/types.js';
import { checkDuration, describe } from '../validate.js';
import { currentClock } from './clock.js';
import { toNanos } from './duration.js';
import { TimerChan } from './timer-chan.js';

/** Timer is Go's time.Timer: `c` receives the due time once, unless the timer is stopped first. */
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
}

/** Ticker is Go's time.Ticker: `c` receives a tick every period; a slow receiver gets one tick and misses the rest. */
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
 */
export function newTimer(d: number): Timer {
  checkDuration('newTimer', 'd', d);
  const clock = currentClock();
  return new Timer(new TimerChan(clock, clock.nanotime() + toNanos(d), 0));
}

/**
 * after is Go's time.After: a channel that receives the due time after `d` ms.
 *
 * @example
 * await select([recvCase(results, use), recvCase(after(500), () => console.log('timeout'))]);
 */
export function after(d: number): RecvChan<Date> {
  return newTimer(d).c;
}

/** newTicker makes a Ticker with period `d` ms; a non-positive period panics, as in Go. */
export function newTicker(d: number): Ticker {
  const p = toNanos(checkPeriod('newTicker', 'non-positive interval for NewTicker', d));
  const clock = currentClock();
  return new Ticker(new TimerChan(clock, clock.nanotime() + p, p));
}

/** tick is Go's time.Tick: a ticker's channel, or `null` (a nil channel) when `d` <= 0. */
export function tick(d: number): RecvChan<Date> | null {
  checkDuration('tick', 'd', d);
  return d <= 0 ? null : newTicker(d).c;
}

function checkPeriod(fn: string, goText: string, d: number): number {
  checkDuration(fn, 'd', d);
  if (d <= 0) throw new InvalidArgumentError(`${goText} (${fn}: d must be > 0, got ${describe(d)})`);
  return d;
}
