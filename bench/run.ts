/**
 * run: runs every bench/**\/*.bench.ts, each in its own child process and one after the other, so that no bench
 * shares a heap, a JIT state or a CPU with another. Output is forwarded as it comes.
 *
 *   npm run bench                       every bench
 *   npm run bench -- ping-pong select   only the benches whose path contains one of the words
 *   npm run bench -- --pin              each under `taskset -c 0` (one vCPU; see DESIGN.md on placement)
 *
 * Each child runs under node with tsx's loader and --expose-gc. The exit code is non-zero if any bench failed.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = dirname(fileURLToPath(import.meta.url));
const root = dirname(benchDir);
const args = process.argv.slice(2);
const pin = args.includes('--pin');
const filters = args.filter((a) => !a.startsWith('--'));

const files = readdirSync(benchDir, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => join(benchDir, f))
  .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
  .sort();

if (files.length === 0) {
  console.error(`bench: no bench file matches ${filters.join(' ')}`);
  process.exit(1);
}

// Which runtime is measured: the commit, and whether runtime/ had uncommitted changes (others edit it concurrently).
const git = (...a: string[]): string => spawnSync('git', a, { cwd: root, encoding: 'utf8' }).stdout?.trim() ?? '';
const dirty = git('status', '--porcelain', '--', 'runtime') === '' ? '' : ' + uncommitted changes in runtime/';
console.log(`bench: gocsp ${git('rev-parse', '--short', 'HEAD') || '(no git)'}${dirty}, node ${process.version}, ${new Date().toISOString()}`);

const failed: string[] = [];
for (const file of files) {
  const name = relative(root, file);
  const node = [process.execPath, '--import', 'tsx', '--expose-gc', file];
  const [cmd, ...argv] = pin ? ['taskset', '-c', '0', ...node] : node;
  console.log(`\n=== ${name}${pin ? ' (taskset -c 0)' : ''}`);
  const t0 = performance.now();
  const r = spawnSync(cmd!, argv, { cwd: root, stdio: 'inherit' });
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  if (r.error !== undefined) {
    console.error(`=== ${name}: could not start: ${r.error.message}`);
    failed.push(name);
  } else if (r.status !== 0) {
    console.error(`=== ${name}: failed (${r.signal ?? `exit ${r.status}`}) after ${secs} s`);
    failed.push(name);
  } else {
    console.log(`=== ${name}: ${secs} s`);
  }
}

if (failed.length > 0) {
  console.error(`\nbench: ${failed.length} of ${files.length} failed: ${failed.join(', ')}`);
  process.exitCode = 1;
} else {
  console.log(`\nbench: ${files.length} files done`);
}
