/**
 * callerUrl finds the URL of the module that called a function, from a stack trace captured at the call, for
 * `task(fn)` without `import.meta.url`.
 *
 * The trace is read as V8's raw call sites (Error.prepareStackTrace set for the capture, then put back), so source
 * maps and the stack formatters of tsx or vitest do not change it: a call site's file name is the name V8 compiled
 * the module under, which is what the worker must import.
 * - ESM under node or tsx: the module's URL (`file:///app/primes.ts`), exactly import.meta.url.
 * - CommonJS (tsx runs a `.ts` file of a package without `"type": "module"` as CommonJS) and vitest: an absolute
 *   path, turned into its file URL as Node does for import.meta.url.
 *
 * Anything else (code run by eval, `new Function` or `node -e`, a `data:` or `node:` URL, a file that does not exist,
 * as with a bundle whose modules have no file of their own) is not a module a worker can import: the answer is null.
 */
import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** callerUrl returns the file URL of the module whose code called `fn`, or null if it cannot be known. */
export function callerUrl(fn: (...args: never[]) => unknown): string | null {
  const site = callSite(fn);
  if (site === null || site.isEval()) return null;
  const file = site.getFileName();
  if (typeof file !== 'string' || file === '') return null;
  let url: URL;
  if (file.startsWith('file:')) {
    if (!URL.canParse(file)) return null;
    url = new URL(file);
  } else if (isAbsolute(file)) {
    url = pathToFileURL(file);
  } else {
    return null;
  }
  try {
    if (!existsSync(fileURLToPath(url))) return null;
  } catch {
    return null; // a file URL with a host, or one that names no path on this platform
  }
  return url.href;
}

/** callSite captures the stack and returns the frame of whoever called `fn` (the first frame below it). */
function callSite(fn: (...args: never[]) => unknown): NodeJS.CallSite | null {
  const prepare = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  const holder: { stack?: unknown } = {};
  try {
    Error.prepareStackTrace = (_e, sites) => sites;
    Error.stackTraceLimit = 1;
    Error.captureStackTrace(holder, fn);
    // Reading .stack formats it, with our prepareStackTrace, while it is still installed.
    const sites = holder.stack;
    return Array.isArray(sites) ? ((sites[0] as NodeJS.CallSite | undefined) ?? null) : null;
  } catch {
    return null; // a frozen Error (a hardened realm): no way to read the stack
  } finally {
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
  }
}
