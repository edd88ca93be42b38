import pino from "pino";
import { env } from "./env.server";

let root: pino.Logger | undefined;

/** The process logger. Constant messages; data goes in fields; never tokens or customer data. */
export function logger(): pino.Logger {
  root ??= pino(
    {
      level: env().NODE_ENV === "test" ? "silent" : env().LOG_LEVEL,
      base: undefined,
      redact: ["*.accessToken", "*.token", "*.secret", "*.authorization"],
    },
    pino.destination(env().LOG_STREAM === "stderr" ? 2 : 1),
  );
  return root;
}
