import { describeError } from "../lib/errors";

/** Runs a command-line task; an expected failure prints one line and exits 1, never a stack trace. */
export function runCli(task: () => Promise<number | void>) {
  task().then(
    (code) => process.exit(code ?? 0),
    (error: unknown) => {
      console.error(`phasegate: ${describeError(error)}`);
      process.exit(1);
    },
  );
}
