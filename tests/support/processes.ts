import type { ChildProcess } from "node:child_process";

/**
 * Asks a process to stop and waits until it has exited (SIGKILL after `graceMs`), so a test
 * never removes a folder or reuses a port the process still holds.
 */
export async function stopProcess(child: ChildProcess | null | undefined, graceMs = 15_000): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const killer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  try {
    await exited;
  } finally {
    clearTimeout(killer);
  }
}
