/**
 * gc is V8's full garbage collection, available whether or not node was started with --expose-gc: the benches call
 * it between tasks (mitata's advice: keep one task's garbage out of the next task's samples) and before reading
 * process.memoryUsage().
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

function exposeGc(): () => void {
  if (typeof globalThis.gc === 'function') return globalThis.gc;
  // The flag only affects contexts created after it is set, hence the fresh vm context.
  setFlagsFromString('--expose-gc');
  const f: unknown = runInNewContext('gc');
  if (typeof f !== 'function') throw new Error('bench: cannot expose gc (run node with --expose-gc)');
  return f as () => void;
}

export const gc: () => void = exposeGc();
