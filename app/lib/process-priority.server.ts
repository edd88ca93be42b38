import { readdirSync } from "node:fs";
import { getPriority, setPriority } from "node:os";

/**
 * Lowers this process's CPU priority to the nice value `nice` (never raises it). Linux keeps a nice
 * value per thread and os.setPriority(pid) changes only the main thread's, while V8's and libuv's
 * threads are already running, so each thread in /proc/self/task is set; threads started later
 * inherit it from the thread that starts them. Elsewhere the process as a whole is set.
 */
export function lowerProcessPriority(nice: number) {
  const threads = readThreadIds() ?? [process.pid];
  for (const id of threads) {
    try {
      if (getPriority(id) < nice) setPriority(id, nice);
    } catch {
      // A thread that ended meanwhile has nothing to lower.
    }
  }
}

function readThreadIds(): number[] | null {
  try {
    return readdirSync("/proc/self/task").map(Number);
  } catch {
    return null;
  }
}
