/**
 * workerBoot: a program bundled into one file (esbuild, Rollup, Vite) is its own worker entry. gocsp's
 * worker-entry.mjs is not in a bundle, so the scheduler starts a worker on the bundle itself (thread.ts, entryOf),
 * flagged `bundled` in its workerData; this module, which the public entry points import, then starts the worker
 * side (worker-main.ts) of the bundle's one copy of gocsp. Anywhere else (the main thread, or a worker started on
 * worker-entry.mjs, which imports worker-main itself) it does nothing.
 *
 * The import is dynamic so that a bundler includes worker-main in the bundle and evaluates it only here; it is not
 * a cycle, since worker-main imports the runtime's files, never the entry points.
 */
import { workerInit } from './slot.js';

if (workerInit !== null && workerInit.bundled) void import('./worker-main.js');
