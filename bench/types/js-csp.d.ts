/**
 * Minimal types for js-csp 1.0 (it ships none), covering what the benches use. js-csp is CommonJS (a webpack UMD
 * bundle whose names Node cannot detect), so it is imported as a default: `import csp from 'js-csp'`.
 */
declare module 'js-csp' {
  /** Channel is a js-csp channel; values are moved by yielding instructions from a process (a generator). */
  export interface Channel<T> {
    readonly closed: boolean;
    close(): void;
    /** Phantom member tying the channel to its element type. */
    readonly __element?: T;
  }

  /** Instruction is what a process yields: put, take, alts, sleep. The process resumes with its result. */
  export interface Instruction {
    readonly __instruction: true;
  }

  /** AltResult is the result of an alts instruction: the value and the channel (or DEFAULT) that completed. */
  export interface AltResult<T> {
    readonly value: T;
    readonly channel: Channel<T> | typeof DEFAULT_MARKER;
  }

  /** A process body; the value each yield evaluates to is the result of the yielded instruction. */
  export type Process<R> = Generator<Instruction, R, unknown>;

  /** DEFAULT_MARKER is the type of csp.DEFAULT, the channel of an alts result taken by its default. */
  export interface DEFAULT_MARKER {
    readonly __default: true;
  }

  export interface JsCsp {
    /** CLOSED is what a take from a closed channel yields (null). */
    readonly CLOSED: null;
    /** NO_VALUE is what poll returns when nothing can be taken at once. */
    readonly NO_VALUE: string;
    readonly DEFAULT: DEFAULT_MARKER;
    /** chan makes a channel: unbuffered for 0 or no argument, else a fixed buffer of that size. */
    chan<T>(capacity?: number): Channel<T>;
    /** go starts a process and returns a channel that receives its return value. */
    go<A extends unknown[], R>(f: (...args: A) => Process<R>, args?: A): Channel<R>;
    put<T>(ch: Channel<T>, value: T): Instruction;
    take<T>(ch: Channel<T>): Instruction;
    /** alts: `[ch]` takes from ch, `[ch, v]` puts v on ch; with `{ default }` it never blocks. */
    alts<T>(operations: readonly (Channel<T> | readonly [Channel<T>, T])[], options?: { readonly default?: unknown; readonly priority?: boolean }): Instruction;
    /** offer puts at once if possible, without a process; it reports whether it did. */
    offer<T>(ch: Channel<T>, value: T): boolean;
    /** poll takes at once if possible, without a process; NO_VALUE if it cannot. */
    poll<T>(ch: Channel<T>): T | string;
    /** takeAsync takes from outside a process, calling `cb` with the value (null once closed). */
    takeAsync<T>(ch: Channel<T>, cb: (value: T | null) => void): void;
    putAsync<T>(ch: Channel<T>, value: T, cb?: (ok: boolean) => void): void;
  }

  const csp: JsCsp;
  export default csp;
}
