/**
 * STRESS scales the seeded race and stress specs: 1 under `npm test`, larger under `npm run stress`
 * (GOCSP_STRESS=N), which CI also runs. A failure names its seed, so it replays at any scale.
 */
export const STRESS = Math.max(1, Math.floor(Number(process.env.GOCSP_STRESS ?? '1')) || 1);

/** seeds returns 1..n*STRESS. */
export function seeds(n: number): number[] {
  return Array.from({ length: n * STRESS }, (_, i) => i + 1);
}
