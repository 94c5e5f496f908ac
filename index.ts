/** gocsp: the runtime and the patterns, from one import. */
export * from './runtime/index.js';
export * from './patterns/index.js';
