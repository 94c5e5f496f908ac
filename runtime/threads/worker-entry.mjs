// The entry file of a gocsp worker thread. It is plain JavaScript so that a worker can start it with no loader: Node
// 20 does not pass a TypeScript loader's hooks (tsx's) on to workers.
//
// - Compiled gocsp (dist/): worker-main.js sits next to this file; import it. TypeScript task modules, if any, get
//   tsx registered by worker-main itself when it meets one.
// - gocsp's TypeScript source (under tsx, vitest, or tsx's API): register tsx's hooks on this thread, then import
//   worker-main.ts.
import { existsSync } from 'node:fs';

const compiled = new URL('./worker-main.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  let api;
  try {
    api = await import('tsx/esm/api');
  } catch (e) {
    throw new Error(
      'gocsp: the worker runtime is TypeScript source (runtime/threads/worker-main.ts) and tsx is not installed: ' +
        `install tsx, or use the compiled package (${e instanceof Error ? e.message : String(e)})`,
    );
  }
  api.register();
  await import(new URL('./worker-main.ts', import.meta.url).href);
}
