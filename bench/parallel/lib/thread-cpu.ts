/**
 * CPU time per thread, from Linux's /proc: a bench can tell what the main thread, each worker and the process's
 * other threads (V8's garbage collector and compiler helpers, libuv) burn while its goroutines are parked.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** linuxTid is the calling thread's Linux thread id (the main thread's is the process id). */
export function linuxTid(): number {
  return Number(readlinkSync('/proc/thread-self').split('/').pop());
}

/** threadCpuMs is the CPU time thread `tid` of this process has used, in ms (scheduler statistics, ns-precise). */
export function threadCpuMs(tid: number): number {
  return Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
}

/**
 * processCpuMs is the CPU time of the threads of this process that are alive now, in ms (schedstat, like
 * threadCpuMs: process.cpuUsage() is tick-based here and disagrees with it by milliseconds).
 */
export function processCpuMs(): number {
  let ms = 0;
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      ms += threadCpuMs(Number(tid));
    } catch {
      // the thread exited meanwhile
    }
  }
  return ms;
}
