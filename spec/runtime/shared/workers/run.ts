/** runScenario rebuilds a scenario's shared arguments on this worker and runs it. */
import { adopt, slot } from '../../../../runtime/shared/memory/registry.js';
import { fromWire, isWire } from '../../../../runtime/shared/objects/wire.js';
import '../../../../runtime/shared/channels/shared-chan.js';
import '../../../../runtime/shared/sync/kinds.js';
import * as chanScenarios from './scenarios.js';
import * as syncScenarios from './sync-scenarios.js';
import * as valueScenarios from './value-scenarios.js';

/**
 * scenarios are the channel scenarios (scenarios.ts), the shared sync ones (sync-scenarios.ts) and those of values
 * that are not bytes in a slot (value-scenarios.ts), by name.
 */
const scenarios = { ...chanScenarios, ...syncScenarios, ...valueScenarios };

export type Scenarios = typeof scenarios;

export interface ScenarioData {
  readonly scenario: keyof Scenarios;
  readonly args: readonly unknown[];
}

/** joinRegistry makes this worker part of the main thread's runtime and returns its slot. */
export function joinRegistry(sab: SharedArrayBuffer): number {
  adopt(sab);
  return slot();
}

const rebuild = (a: unknown): unknown => (isWire(a) ? fromWire(a) : Array.isArray(a) ? a.map(rebuild) : a);

export async function runScenario(d: ScenarioData): Promise<unknown> {
  return (scenarios[d.scenario] as (...a: unknown[]) => unknown)(...d.args.map(rebuild));
}
