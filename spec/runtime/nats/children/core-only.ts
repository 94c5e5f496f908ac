/**
 * Loads the core entries (gocsp, gocsp/runtime, gocsp/patterns) with every @nats-io module refused, and prints
 * `core loaded`; then tries gocsp/nats, which must need them, and prints `nats refused: <message>` or `nats loaded`.
 */
import { register } from 'node:module';

register(new URL('./refuse-nats.mjs', import.meta.url));
await import('../../../../index.js');
await import('../../../../runtime/index.js');
await import('../../../../patterns/index.js');
console.log('core loaded');
try {
  await import('../../../../runtime/nats/index.js');
  console.log('nats loaded');
} catch (e) {
  console.log(`nats refused: ${(e as Error).message}`);
}
