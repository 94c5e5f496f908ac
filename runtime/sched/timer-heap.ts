/**
 * TimerHeap is the one timer structure of a clock: a binary min-heap of entries ordered by (when, seq), so timers
 * due at the same instant fire in creation order.
 *
 * The real clock drives its heap with a single Node timer armed for the earliest entry; a synctest bubble drives its
 * heap by jumping its virtual clock. Entries are `ref`ed when a goroutine waits on them (the process must stay
 * alive for them) and unref'ed otherwise; the heap keeps the count so the driver can ref or unref its one handle.
 *
 * Invariant: `entry.index` is the entry's position in `#items`, or -1 when it is not in the heap.
 */

/** TimerEntry is one armed timer. `fire` runs when the clock reaches `when`; it may re-add the entry. */
export interface TimerEntry {
  /** when is the due time, a nanotime of the heap's clock. */
  when: number;
  seq: number;
  index: number;
  ref: boolean;
  fire(now: number): void;
}

let seqCounter = 0;

/** newEntry makes a detached entry; add it with TimerHeap.add. */
export function newEntry(fire: (now: number) => void, ref: boolean): TimerEntry {
  return { when: 0, seq: 0, index: -1, ref, fire };
}

export class TimerHeap {
  readonly #items: TimerEntry[] = [];
  #refs = 0;
  /** onChange runs after the earliest deadline or the ref count may have changed. */
  onChange: () => void = () => {};

  get size(): number {
    return this.#items.length;
  }

  /** refCount is the number of entries that keep the process alive. */
  get refCount(): number {
    return this.#refs;
  }

  peek(): TimerEntry | undefined {
    return this.#items[0];
  }

  /** add inserts `e` due at `when` (or moves it there if it is already in the heap). */
  add(e: TimerEntry, when: number): void {
    if (e.index >= 0) this.#removeAt(e.index);
    e.when = when;
    e.seq = ++seqCounter;
    e.index = this.#items.length;
    this.#items.push(e);
    if (e.ref) this.#refs++;
    this.#up(e.index);
    this.onChange();
  }

  /** remove takes `e` out of the heap; it reports whether `e` was in it. */
  remove(e: TimerEntry): boolean {
    if (e.index < 0) return false;
    this.#removeAt(e.index);
    this.onChange();
    return true;
  }

  /** setRef changes whether `e` keeps the process alive. */
  setRef(e: TimerEntry, ref: boolean): void {
    if (e.ref === ref) return;
    e.ref = ref;
    if (e.index >= 0) {
      this.#refs += ref ? 1 : -1;
      this.onChange();
    }
  }

  /** runDue fires, in (when, seq) order, every entry due at or before `now`. */
  runDue(now: number): void {
    for (;;) {
      const e = this.#items[0];
      if (e === undefined || e.when > now) break;
      this.#removeAt(0);
      e.fire(now);
    }
    this.onChange();
  }

  /** clear drops every entry (a finished synctest bubble). */
  clear(): void {
    for (const e of this.#items) e.index = -1;
    this.#items.length = 0;
    this.#refs = 0;
  }

  #removeAt(i: number): void {
    const items = this.#items;
    const e = items[i]!;
    const last = items.pop()!;
    if (e.ref) this.#refs--;
    e.index = -1;
    if (last !== e) {
      items[i] = last;
      last.index = i;
      this.#down(i);
      this.#up(last.index);
    }
  }

  #less(a: TimerEntry, b: TimerEntry): boolean {
    return a.when < b.when || (a.when === b.when && a.seq < b.seq);
  }

  #up(i: number): void {
    const items = this.#items;
    const e = items[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pe = items[p]!;
      if (!this.#less(e, pe)) break;
      items[i] = pe;
      pe.index = i;
      i = p;
    }
    items[i] = e;
    e.index = i;
  }

  #down(i: number): void {
    const items = this.#items;
    const n = items.length;
    const e = items[i]!;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && this.#less(items[c + 1]!, items[c]!)) c++;
      const ce = items[c]!;
      if (!this.#less(ce, e)) break;
      items[i] = ce;
      ce.index = i;
      i = c;
    }
    items[i] = e;
    e.index = i;
  }
}
