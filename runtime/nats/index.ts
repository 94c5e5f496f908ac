/**
 * gocsp/nats: channels across processes and hosts over NATS JetStream. An optional entry point: it needs the NATS
 * client packages (@nats-io/transport-node or another transport, @nats-io/jetstream, @nats-io/nats-core), which are
 * optional peer dependencies; gocsp, gocsp/runtime and gocsp/patterns never load it. See docs/beyond-one-machine.md.
 */
export { natsChan, deleteNatsChan, type NatsChan, type NatsChanOptions } from './nats-chan.js';
export type { Delivery } from './delivery.js';
export { serveJobs, type JobInfo, type JobRunner, type ServeJobsOptions, type ServeJobsResult } from './serve-jobs.js';
export {
  NatsChanError,
  NatsChanMismatchError,
  NatsChanUnsupportedError,
  NatsChanGoneError,
  isNatsChanMismatchError,
  isNatsChanUnsupportedError,
  isNatsChanGoneError,
} from './nats-errors.js';
