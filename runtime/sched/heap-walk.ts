/**
 * heap-walk names the goroutines of this thread and what each is parked on, from a heap snapshot, so that main()'s
 * default tracking costs nothing per operation (see sched/tracking.ts, level NAMES).
 *
 * What the snapshot shows, and what the walk relies on:
 * - A goroutine started under main() has a pending promise P (its async function's) whose rejection handler
 *   captures a tag string `GOROUTINE_TAG + id`: tag <- context <- handler <- reaction <- P.
 * - A goroutine suspended in `await x` is reachable from x: x -> reaction -> await closure -> context -> the async
 *   function's generator -> P. Helper async functions, Promise.all, `.then` and `for await` add links of the same
 *   kinds, never skip them.
 * - Every parked gocsp operation is held by an object with a `gocspWait` property (its wait reason) that also holds
 *   the resolving function or the promise the goroutine awaits: chan Waiter, SyncWaiter, a parked select, a sleeper.
 * So walking up from P through the objects that refer to it (nearest first) reaches the holder of the operation it
 * is parked on. The walk skips the links a holder keeps to its neighbours and to a sent value, which could lead to
 * another goroutine's operation. A goroutine parked on nothing gocsp knows (I/O, a plain promise) has no holder.
 *
 * The snapshot costs time and memory in proportion to the heap (about a second for a small program, about 10 s for
 * ten thousand parked goroutines), and is skipped above `GOCSP_DUMP_HEAP_LIMIT` MiB of used heap (default 64), or
 * when it fails: the report then lists the parked operations by wait reason, without goroutine ids.
 */
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { writeHeapSnapshot } from 'node:v8';
import { GOROUTINE_TAG } from './tracking.js';

/** Named is one goroutine found in the heap: its id and wait reason (null: not parked on a gocsp operation). */
export interface Named {
  readonly id: number;
  readonly wait: string | null;
}


/**
 * SKIPPED_EDGES are links that lead to other goroutines' operations rather than to the awaiting one: a holder's
 * neighbours and sent value, a select's cases (their channels and callbacks), a channel's buffer.
 */
const SKIPPED_EDGES = new Set(['value', 'next', 'prev', 'queue', 'list', 'sel', 'ch', 'fn', '#cases', '#buf']);
const MAX_DEPTH = 64;
/**
 * DEFAULT_LIMIT_MIB: a snapshot is about 15x the used heap as text and takes seconds per 10 MiB of heap on a small
 * machine (about 10 s for 10k parked goroutines, a minute for 100k): above this, the report lists wait reasons only.
 */
const DEFAULT_LIMIT_MIB = 64;
const MAX_VISITS = 50_000;

/** heapLimitBytes is the used heap above which no snapshot is taken. */
function heapLimitBytes(): number {
  const mib = Number(process.env['GOCSP_DUMP_HEAP_LIMIT'] ?? DEFAULT_LIMIT_MIB);
  return (Number.isFinite(mib) && mib >= 0 ? mib : DEFAULT_LIMIT_MIB) * 1024 * 1024;
}

/** walkHeap takes a heap snapshot of this thread and names its goroutines; null if the heap is over the limit. */
export function walkHeap(): Named[] | null {
  if (process.memoryUsage().heapUsed > heapLimitBytes()) return null;
  const file = join(tmpdir(), `gocsp-${process.pid}-${threadId}-${Date.now()}.heapsnapshot`);
  let text: string;
  try {
    writeHeapSnapshot(file);
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  } finally {
    rmSync(file, { force: true });
  }
  try {
    return analyse(JSON.parse(text) as Snapshot);
  } catch {
    return null; // a snapshot V8 wrote in a shape this walk does not know: the report falls back to wait reasons
  }
}

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

/** analyse finds the goroutines and parked operations in a parsed snapshot. */
export function analyse(snap: Snapshot): Named[] {
  const g = new Graph(snap);
  const holders = new Map<number, string>();
  const tags = new Map<number, number>(); // tag string node -> goroutine id
  for (let n = 0; n < g.count; n++) {
    if (g.isString(n)) {
      const name = g.name(n);
      if (name.startsWith(GOROUTINE_TAG)) {
        const id = Number(name.slice(GOROUTINE_TAG.length));
        if (Number.isSafeInteger(id) && id > 0) tags.set(n, id);
      }
      continue;
    }
    for (let e = g.first[n]!; e < g.first[n + 1]!; e++) {
      if (g.edgeType(e) === 'property' && g.edgeName(e) === 'gocspWait' && g.isString(g.to(e))) {
        holders.set(n, g.name(g.to(e)));
      }
    }
  }
  const parents = g.parents();
  const goroutines: Named[] = [];
  for (const [tag, id] of tags) {
    const promise = g.up(parents, tag, 4, (n) => g.name(n) === 'Promise' && g.type(n) === 'object');
    if (promise < 0) continue;
    const holder = g.up(parents, promise, MAX_DEPTH, (n) => holders.has(n), (parent, e, child) => g.onChain(parent, e, child));
    goroutines.push({ id, wait: holder >= 0 ? holders.get(holder)! : null });
  }
  return goroutines.sort((a, b) => a.id - b.id);
}

/** Graph is a read-only view of a snapshot's nodes and edges. */
class Graph {
  readonly count: number;
  /** first[n] is node n's first edge (edge index, not array offset); first[count] is the edge count. */
  readonly first: Uint32Array;
  readonly #nodes: number[];
  readonly #edges: number[];
  readonly #strings: string[];
  readonly #nf: number;
  readonly #ef: number;
  readonly #nodeTypes: string[];
  readonly #edgeTypes: string[];
  readonly #typeAt: number;
  readonly #nameAt: number;
  readonly #edgeCountAt: number;
  readonly #toAt: number;
  readonly #edgeNameAt: number;

  constructor(s: Snapshot) {
    const m = s.snapshot.meta;
    this.#nodes = s.nodes;
    this.#edges = s.edges;
    this.#strings = s.strings;
    this.#nf = m.node_fields.length;
    this.#ef = m.edge_fields.length;
    this.#nodeTypes = m.node_types[0];
    this.#edgeTypes = m.edge_types[0];
    this.#typeAt = m.node_fields.indexOf('type');
    this.#nameAt = m.node_fields.indexOf('name');
    this.#edgeCountAt = m.node_fields.indexOf('edge_count');
    this.#toAt = m.edge_fields.indexOf('to_node');
    this.#edgeNameAt = m.edge_fields.indexOf('name_or_index');
    this.count = s.nodes.length / this.#nf;
    this.first = new Uint32Array(this.count + 1);
    let e = 0;
    for (let n = 0; n < this.count; n++) {
      this.first[n] = e;
      e += s.nodes[n * this.#nf + this.#edgeCountAt]!;
    }
    this.first[this.count] = e;
  }

  type(n: number): string {
    return this.#nodeTypes[this.#nodes[n * this.#nf + this.#typeAt]!]!;
  }

  name(n: number): string {
    return this.#strings[this.#nodes[n * this.#nf + this.#nameAt]!]!;
  }

  isString(n: number): boolean {
    const t = this.type(n);
    return t === 'string' || t === 'concatenated string' || t === 'sliced string';
  }

  edgeType(e: number): string {
    return this.#edgeTypes[this.#edges[e * this.#ef]!]!;
  }

  edgeName(e: number): string {
    const t = this.edgeType(e);
    const v = this.#edges[e * this.#ef + this.#edgeNameAt]!;
    return t === 'element' || t === 'hidden' ? String(v) : this.#strings[v]!;
  }

  to(e: number): number {
    return this.#edges[e * this.#ef + this.#toAt]! / this.#nf;
  }

  /** parents indexes, for every node, the edges that point at it (weak edges left out), as [from, edge] pairs. */
  parents(): { start: Uint32Array; from: Uint32Array; edge: Uint32Array } {
    const total = this.first[this.count]!;
    const start = new Uint32Array(this.count + 1);
    for (let e = 0; e < total; e++) if (this.#strong(e)) start[this.to(e) + 1]!++;
    for (let n = 0; n < this.count; n++) start[n + 1]! += start[n]!;
    const fill = start.slice(0, this.count);
    const from = new Uint32Array(start[this.count]!);
    const edge = new Uint32Array(start[this.count]!);
    for (let n = 0; n < this.count; n++) {
      for (let e = this.first[n]!; e < this.first[n + 1]!; e++) {
        if (!this.#strong(e)) continue;
        const k = fill[this.to(e)]!++;
        from[k] = n;
        edge[k] = e;
      }
    }
    return { start, from, edge };
  }

  /**
   * up walks from `n` to the objects that refer to it, breadth first (nearest first), and returns the first one that
   * satisfies `found` within `depth` steps, or -1. Edges named in `skip` are not followed.
   */
  up(
    p: { start: Uint32Array; from: Uint32Array; edge: Uint32Array },
    n: number,
    depth: number,
    found: (n: number) => boolean,
    follow?: (parent: number, edge: number, child: number) => boolean,
  ): number {
    const seen = new Set<number>([n]);
    let level = [n];
    for (let d = 0; d < depth && level.length > 0 && seen.size < MAX_VISITS; d++) {
      const next: number[] = [];
      for (const x of level) {
        for (let k = p.start[x]!; k < p.start[x + 1]!; k++) {
          const parent = p.from[k]!;
          if (seen.has(parent)) continue;
          if (follow !== undefined && !follow(parent, p.edge[k]!, x)) continue;
          seen.add(parent);
          if (found(parent)) return parent;
          next.push(parent);
        }
      }
      level = next;
    }
    return -1;
  }

  /**
   * onChain tells whether `parent --e--> child` can be a link of the chain from a parked operation to the goroutine
   * awaiting it, as opposed to a link that only says where an object lives:
   * - a generator (a suspended async function) is entered only through its await closure's context, never from its
   *   own locals, scope or function (which would lead from any object a goroutine can see to that goroutine);
   * - a closure is entered from its context only if that context belongs to a builtin (an await, a promise's
   *   resolving functions, Promise.all), not to a scope of the program's (which has named variables);
   * - a holder's links to its neighbours and to a sent value are not followed.
   */
  onChain(parent: number, e: number, child: number): boolean {
    const t = this.edgeType(e);
    if (t === 'property') return !SKIPPED_EDGES.has(this.edgeName(e));
    if (this.name(parent) === 'Generator' && this.type(parent) === 'object') return t === 'hidden';
    if (t === 'internal' && this.type(parent) === 'closure' && this.edgeName(e) === 'context') {
      for (let k = this.first[child]!; k < this.first[child + 1]!; k++) if (this.edgeType(k) === 'context') return false;
    }
    return true;
  }

  #strong(e: number): boolean {
    const t = this.edgeType(e);
    return t !== 'weak' && t !== 'shortcut';
  }
}
