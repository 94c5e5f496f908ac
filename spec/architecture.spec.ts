/**
 * The architecture, checked: the layers of the package, the doors between them, and no import cycles.
 *
 * Every relative import (static, `export ... from`, and `import('literal')`) of the package, its specs, examples and
 * benchmarks is read with the TypeScript parser (no type checking, so this takes well under a second) and held
 * against four rules. A failure lists each offending import as `importer -> imported` with the rule it breaks.
 *
 * 1. Layers. LAYERS lists the package's units (a folder or a file) from the ground up. A unit imports only units of
 *    lower layers: an import never points up, and two units of one layer know nothing of each other.
 * 2. Doors. An entry (`index.ts`, `runtime/index.ts`, `patterns/index.ts`, and the optional `runtime/nats/index.ts`
 *    and `patterns/redis/index.ts`) only re-exports, and nothing inside the package imports one, except that patterns
 *    see the runtime through `runtime/index.ts` (what a user sees) and `runtime/internal.ts` (the few hooks a pattern
 *    needs and a user does not), and through nothing else. runtime/nats takes the codecs through
 *    `runtime/internal.ts` too.
 * 3. Public behaviour through the public door. A spec (`*.spec.ts`) imports a name that an entry exports from that
 *    entry, as a user would; it may import a file directly only for what no entry exports. Examples import entries
 *    only. So a spec of public behaviour keeps passing while the files behind the door move.
 * 4. No cycles: no two files import each other, directly or around a loop, and neither do two units (type-only
 *    imports count: they are dependencies of the design even where the compiled code drops them).
 *
 * docs/design.md draws the same layers; keep the two in step.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** LAYERS, from the ground up. A folder unit ends with '/', and holds every file under it. */
const LAYERS: readonly (readonly string[])[] = [
  // the runtime: errors and argument checks, then the one-thread runtime, then shared memory and threads
  ['runtime/panics.ts', 'runtime/thenable.ts'],
  ['runtime/validate.ts'],
  ['runtime/sched/'], // goroutine bookkeeping: parking, tracking, panics, the clocks and synctest bubbles
  ['runtime/chan/'], // channels, the Selectable protocol and the select's ticket
  ['runtime/go.ts'],
  ['runtime/time/'],
  ['runtime/context/'],
  ['runtime/sync/'],
  ['runtime/select.ts'],
  ['runtime/errgroup.ts', 'runtime/streams/'],
  // shared memory, many threads: the registry, locks and parking; what every shared object is (wire, identity,
  // recovery); the shared sync objects; the codecs (the structured one carries sync objects); the shared channels
  ['runtime/shared/memory/'],
  ['runtime/shared/objects/'],
  ['runtime/shared/sync/'],
  ['runtime/shared/codecs/'],
  ['runtime/shared/channels/'],
  ['runtime/threads/'], // the worker_threads scheduler
  ['runtime/synctest.ts', 'runtime/main.ts'],
  ['runtime/index.ts', 'runtime/internal.ts'], // the runtime's two doors
  // network channels (gocsp/nats): a runtime unit over an optional peer dependency, above the doors because it
  // takes the codecs through runtime/internal.ts (they may move inside runtime/shared/), and the channel protocol
  // (runtime/chan/) directly; no core entry imports it
  ['runtime/nats/'],
  ['runtime/nats/index.ts'],
  // the patterns: built on the runtime's doors
  ['patterns/core/'],
  ['patterns/retry/'],
  [
    'patterns/circuit-breakers/',
    'patterns/timeout/',
    'patterns/rate-limiters/',
    'patterns/pipelines/',
    'patterns/fan-patterns/',
    'patterns/worker-pools/',
  ],
  ['patterns/redis/'], // fleet-wide limiters and breaker state in Redis, over the local limiters and breakers
  ['patterns/index.ts'],
  ['index.ts'],
];

/** ENTRIES re-export; RUNTIME_DOORS are the only runtime files a pattern imports. */
const ENTRIES = ['index.ts', 'runtime/index.ts', 'patterns/index.ts', 'runtime/nats/index.ts', 'patterns/redis/index.ts'];
const RUNTIME_DOORS = ['runtime/index.ts', 'runtime/internal.ts'];

const SOURCE_DIRS = ['runtime', 'patterns', 'spec', 'examples', 'bench'];

interface Import {
  readonly from: string;
  readonly to: string;
  /** names imported (their name in `to`, and whether only as a type), or null for a bare, `*` or dynamic import. */
  readonly names: readonly Name[] | null;
}

interface Name {
  readonly name: string;
  readonly typeOnly: boolean;
}

function sourceFiles(): string[] {
  const out = ['index.ts'];
  const visit = (dir: string): void => {
    for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = `${dir}/${e.name}`;
      if (e.isDirectory()) visit(path);
      else if (/\.(ts|mts|mjs)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(path);
    }
  };
  for (const d of SOURCE_DIRS) visit(d);
  return out;
}

/** target resolves a relative specifier of `from` to a path from the root (the .ts behind a .js, as tsc does). */
function target(from: string, spec: string, files: ReadonlySet<string>): string {
  const path = relative(ROOT, resolve(ROOT, dirname(from), spec)).split('\\').join('/');
  const ts = path.replace(/\.js$/, '.ts');
  return files.has(ts) ? ts : path;
}

function readImports(files: readonly string[]): Import[] {
  const known = new Set(files);
  const out: Import[] = [];
  for (const from of files) {
    const sf = ts.createSourceFile(from, readFileSync(join(ROOT, from), 'utf8'), ts.ScriptTarget.Latest, false);
    const add = (spec: string, names: readonly Name[] | null): void => {
      if (spec.startsWith('.')) out.push({ from, to: target(from, spec, known), names });
    };
    const visit = (n: ts.Node): void => {
      if (ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier)) {
        const c = n.importClause;
        const b = c?.namedBindings;
        const named = c !== undefined && b !== undefined && ts.isNamedImports(b) && c.name === undefined;
        add(n.moduleSpecifier.text, named ? b.elements.map((e) => nameOf(e, c.isTypeOnly)) : null);
        return;
      }
      if (ts.isExportDeclaration(n) && n.moduleSpecifier !== undefined && ts.isStringLiteral(n.moduleSpecifier)) {
        const c = n.exportClause;
        const named = c !== undefined && ts.isNamedExports(c);
        add(n.moduleSpecifier.text, named ? c.elements.map((e) => nameOf(e, n.isTypeOnly)) : null);
        return;
      }
      if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword) {
        const a = n.arguments[0];
        if (a !== undefined && ts.isStringLiteralLike(a)) add(a.text, null);
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return out;
}

function nameOf(e: ts.ImportSpecifier | ts.ExportSpecifier, typeOnly: boolean): Name {
  return { name: (e.propertyName ?? e.name).text, typeOnly: typeOnly || e.isTypeOnly };
}

/** unitOf is the LAYERS unit holding a package file, with its layer; null for a file outside the package. */
function unitOf(file: string): { unit: string; layer: number } | null {
  let best: { unit: string; layer: number } | null = null;
  LAYERS.forEach((units, layer) => {
    for (const u of units) {
      const holds = u.endsWith('/') ? file.startsWith(u) : file === u;
      if (holds && (best === null || u.length > best.unit.length)) best = { unit: u, layer };
    }
  });
  return best;
}

const inPackage = (f: string): boolean => f === 'index.ts' || f.startsWith('runtime/') || f.startsWith('patterns/');

/**
 * exportMap maps what an entry re-exports, `file#name`, to the name under which the entry exports it and whether as
 * a type only (one level: the entries re-export files by name).
 */
function exportMap(entry: string, imports: readonly Import[]): Map<string, Name> {
  const out = new Map<string, Name>();
  const sf = ts.createSourceFile(entry, readFileSync(join(ROOT, entry), 'utf8'), ts.ScriptTarget.Latest, false);
  const known = new Set(imports.map((i) => i.to));
  for (const s of sf.statements) {
    if (!ts.isExportDeclaration(s) || s.moduleSpecifier === undefined || !ts.isStringLiteral(s.moduleSpecifier)) continue;
    const c = s.exportClause;
    if (c === undefined || !ts.isNamedExports(c)) continue;
    const file = target(entry, s.moduleSpecifier.text, known);
    for (const e of c.elements) {
      out.set(`${file}#${(e.propertyName ?? e.name).text}`, { name: e.name.text, typeOnly: s.isTypeOnly || e.isTypeOnly });
    }
  }
  return out;
}

/** cycles finds the strongly connected components of more than one node (Tarjan), each as a loop of edges. */
function cycles(edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      scc.push(w);
    } while (w !== v);
    if (scc.length > 1) found.push(loopThrough(scc.sort(), edges));
  };
  for (const v of [...edges.keys()].sort()) if (!index.has(v)) connect(v);
  return found;
}

/** loopThrough finds one loop inside a component, to print: a -> b -> ... -> a (breadth-first from its first). */
function loopThrough(scc: readonly string[], edges: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const inside = new Set(scc);
  const start = scc[0]!;
  const prev = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of edges.get(v) ?? []) {
      if (!inside.has(w)) continue;
      if (w === start) {
        const loop = [start];
        for (let u = v; u !== start; u = prev.get(u)!) loop.splice(1, 0, u);
        return [...loop, start];
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [...scc];
}

function graph(imports: readonly Import[], node: (f: string) => string | null): Map<string, Set<string>> {
  const edges = new Map<string, Set<string>>();
  for (const i of imports) {
    const a = node(i.from);
    const b = node(i.to);
    if (a === null || b === null || a === b) continue;
    if (!edges.has(a)) edges.set(a, new Set());
    edges.get(a)!.add(b);
  }
  return edges;
}

const files = sourceFiles();
const imports = readImports(files);
const fileSet = new Set(files);

describe('architecture', () => {
  it('places every file of the package in a layer', () => {
    const unplaced = files.filter((f) => inPackage(f) && unitOf(f) === null);
    expect(unplaced, 'files of no unit of LAYERS').toEqual([]);
  });

  it('names each file of the package after what it holds: no two files share a name (entries aside)', () => {
    const byName = new Map<string, string[]>();
    for (const f of files.filter(inPackage)) {
      const base = f.slice(f.lastIndexOf('/') + 1);
      if (base === 'index.ts') continue; // the entries: a folder's door
      byName.set(base, [...(byName.get(base) ?? []), f]);
    }
    const shared = [...byName.values()].filter((fs) => fs.length > 1).map((fs) => fs.join(' and '));
    expect(shared, 'files that share a name').toEqual([]);
  });

  it('has every import of the package point down a layer', () => {
    const bad: string[] = [];
    for (const i of imports) {
      if (!inPackage(i.from) || !fileSet.has(i.to)) continue;
      const a = unitOf(i.from);
      const b = unitOf(i.to);
      if (a === null || b === null || a.unit === b.unit) continue;
      if (b.layer > a.layer) bad.push(`${i.from} -> ${i.to}: ${a.unit} imports ${b.unit}, a layer above it`);
      else if (b.layer === a.layer) bad.push(`${i.from} -> ${i.to}: ${a.unit} imports ${b.unit}, of its own layer`);
    }
    expect(bad, 'imports that point up').toEqual([]);
  });

  it('lets patterns see the runtime only through its doors, and nothing import an entry', () => {
    const bad: string[] = [];
    for (const i of imports) {
      if (!inPackage(i.from) || ENTRIES.includes(i.from)) continue;
      const pattern = i.from.startsWith('patterns/');
      if (pattern && i.to.startsWith('runtime/') && !RUNTIME_DOORS.includes(i.to)) {
        bad.push(`${i.from} -> ${i.to}: a pattern imports the runtime through runtime/index.ts or runtime/internal.ts`);
      } else if (ENTRIES.includes(i.to) && !(pattern && i.to === 'runtime/index.ts')) {
        bad.push(`${i.from} -> ${i.to}: inside the package, import the file, not an entry`);
      } else if (i.to === 'runtime/internal.ts' && !pattern && !i.from.startsWith('runtime/nats/')) {
        bad.push(`${i.from} -> ${i.to}: runtime/internal.ts is the door of patterns and runtime/nats`);
      }
    }
    expect(bad, 'imports through the wrong door').toEqual([]);
  });

  it('has specs and examples import what an entry exports from that entry', () => {
    const exported = new Map([
      ...exportMap('runtime/index.ts', imports),
      ...exportMap('patterns/index.ts', imports),
      ...exportMap('runtime/nats/index.ts', imports),
      ...exportMap('patterns/redis/index.ts', imports),
    ]);
    const entryOf = (f: string): string =>
      f.startsWith('runtime/nats/')
        ? 'runtime/nats/index.ts'
        : f.startsWith('runtime/')
          ? 'runtime/index.ts'
          : f.startsWith('patterns/redis/')
            ? 'patterns/redis/index.ts'
            : 'patterns/index.ts';
    const bad: string[] = [];
    for (const i of imports) {
      if (i.from.startsWith('examples/')) {
        if (inPackage(i.to) && !ENTRIES.includes(i.to)) bad.push(`${i.from} -> ${i.to}: an example imports an entry`);
        continue;
      }
      if (!i.from.endsWith('.spec.ts') || !inPackage(i.to) || ENTRIES.includes(i.to) || i.names === null) continue;
      for (const n of i.names) {
        const as = exported.get(`${i.to}#${n.name}`);
        // A class that the entry exports as a type only is imported from its file where its value is used.
        if (as === undefined || (as.typeOnly && !n.typeOnly)) continue;
        bad.push(`${i.from} -> ${i.to}: import ${n.typeOnly ? 'type ' : ''}${as.name} from ${entryOf(i.to)}`);
      }
    }
    expect(bad, 'public names imported past their entry').toEqual([]);
  });

  it('has no import cycle between files', () => {
    const loops = cycles(graph(imports, (f) => (fileSet.has(f) ? f : null)));
    expect(loops.map((l) => l.join(' -> ')), 'file cycles').toEqual([]);
  });

  it('has no import cycle between units', () => {
    const loops = cycles(graph(imports, (f) => unitOf(f)?.unit ?? null));
    expect(loops.map((l) => l.join(' -> ')), 'unit cycles').toEqual([]);
  });
});
