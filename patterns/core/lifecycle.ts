/**
 * Lifecycle is the start/stop state machine a pattern owns by composition: idle -> running -> stopping -> stopped
 * (restartable: stopped -> running). start and stop are idempotent and serialised: a stop while a start is in
 * progress waits for it, and concurrent stops share one run of the stop work.
 */
import { PatternError, hasCode } from './pattern-error.js';

/**
 * LifecycleState is where a Lifecycle is: 'idle' (made), 'running', 'stopping' (stop called, hooks running) or
 * 'stopped'.
 *
 * @example
 * if (life.state === 'running') await life.stop();
 */
export type LifecycleState = 'idle' | 'running' | 'stopping' | 'stopped';

/**
 * PatternStoppedError is the expected failure of work submitted to a pattern that is not running.
 *
 * @example
 * const pool = new FixedWorkerPool<number, number>(1, { worker: (n) => n });
 * await pool.submit(0);
 * await pool.stop();
 * const e = await pool.submit(1).catch((x: unknown) => x);
 * console.log(e instanceof PatternStoppedError, (e as Error).message); // true FixedWorkerPool-1: not running (stopped)
 */
export class PatternStoppedError extends PatternError {
  override name = 'PatternStoppedError';
  constructor(pattern: string, state: LifecycleState) {
    super(`${pattern}: not running (${state})`, 'ERR_PATTERN_STOPPED');
  }
}

/**
 * isPatternStoppedError reports whether `e` is a PatternStoppedError (by code, so it works across threads).
 *
 * @example
 * const pool = new FixedWorkerPool<string, number>(2, { worker: (s) => s.length });
 * const submit = (s: string) => pool.submit(s).catch((e) => (isPatternStoppedError(e) ? -1 : Promise.reject(e)));
 * console.log(await submit('abc')); // 3
 * await pool.stop();
 * console.log(await submit('abc')); // -1: shutting down
 */
export const isPatternStoppedError = (e: unknown): e is PatternStoppedError => hasCode(e, 'ERR_PATTERN_STOPPED');

/**
 * Lifecycle is a pattern's state machine, idle -> running -> stopping -> stopped: start and stop run the pattern's
 * hooks once each, concurrent calls share the one transition, and ensureRunning throws PatternStoppedError once the
 * pattern is stopping or stopped.
 *
 * @example
 * const life = new Lifecycle('feed', () => openFeed(), () => closeFeed());
 * await life.start();
 * life.ensureRunning(); // throws PatternStoppedError after stop()
 */
export class Lifecycle {
  #state: LifecycleState = 'idle';
  #transition: Promise<void> | null = null;

  constructor(
    readonly name: string,
    private readonly onStart: () => Promise<void> | void,
    private readonly onStop: () => Promise<void> | void,
  ) {}

  get state(): LifecycleState {
    return this.#state;
  }

  get running(): boolean {
    return this.#state === 'running';
  }

  /** ensureRunning throws PatternStoppedError unless the pattern is running. */
  ensureRunning(): void {
    if (this.#state !== 'running') throw new PatternStoppedError(this.name, this.#state);
  }

  async start(): Promise<void> {
    while (this.#transition !== null) await this.#transition;
    if (this.#state === 'running') return;
    this.#transition = (async () => {
      await this.onStart();
      this.#state = 'running';
    })();
    try {
      await this.#transition;
    } finally {
      this.#transition = null;
    }
  }

  async stop(): Promise<void> {
    while (this.#transition !== null) {
      if (this.#state === 'stopping') return this.#transition;
      await this.#transition;
    }
    if (this.#state === 'idle') {
      // Never started: nothing to stop, but stopped all the same, so a later lazy start (a pool's first submit) is
      // refused instead of bringing the pattern up behind its owner's stop. start() still starts it again.
      this.#state = 'stopped';
      return;
    }
    if (this.#state !== 'running') return;
    this.#state = 'stopping';
    this.#transition = (async () => {
      try {
        await this.onStop();
      } finally {
        this.#state = 'stopped';
      }
    })();
    try {
      await this.#transition;
    } finally {
      this.#transition = null;
    }
  }
}
