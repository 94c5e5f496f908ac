// Worker entry for the shared sync specs (a copy of spec/runtime/shared/workers/entry.mjs bound to this folder's
// scenarios): workers do not inherit tsx on Node 20, so register it, then run the named scenario.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { runScenario, joinRegistry } = await import('./run.ts');
parentPort.postMessage({ slot: joinRegistry(workerData.registry) });
try {
  parentPort.postMessage({ ok: true, value: await runScenario(workerData) });
} catch (e) {
  parentPort.postMessage({ ok: false, error: { name: e?.name, code: e?.code, message: e?.message } });
}
