import { disconnectDb } from "~/db.server";
import { closeQueues } from "~/jobs/queues.server";
import { isAppError } from "~/lib/errors";

/** Prints a command line failure and gives its exit code. */
export function fail(message: string): number {
  console.error(message);
  return 1;
}

/** A command line the argument parser refused (unknown option, missing value): its message says it. */
function isUsageError(error: unknown): error is Error {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === "string" && code.startsWith("ERR_PARSE_ARGS");
}

/**
 * Runs a command's main and exits with its code once queues and the database are closed; expected
 * failures and refused arguments print their message, anything else its stack.
 */
export function runCli(main: () => Promise<number>): void {
  main()
    .catch((error: unknown) => {
      console.error(isAppError(error) || isUsageError(error) ? error.message : error);
      return 1;
    })
    .then(async (code) => {
      await closeQueues();
      await disconnectDb();
      process.exit(code);
    });
}
