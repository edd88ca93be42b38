/**
 * Runs the built offer discount function (extensions/offer-discount) as Shopify does: a fresh
 * instance per input, its `run` export called with the input JSON on stdin, the output JSON read
 * from stdout and checked against the target's result schema.
 */
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { WASI } from "node:wasi";
import { z } from "zod";

export const WASM_PATH = fileURLToPath(
  new URL("../../extensions/offer-discount/target/wasm32-wasi/release/offer-discount.wasm", import.meta.url),
);
export const wasmBuilt = existsSync(WASM_PATH);
// CI builds the module before the tests (npm run validate): there, a missing one is a failure.
if (!wasmBuilt && process.env.CI) throw new Error(`No ${WASM_PATH}: run npm run build:function first`);

// The subset of the cart.lines.discounts.generate.run result (API 2026-07) the function writes.
const CartLineTargetSchema = z.strictObject({
  cartLine: z.strictObject({
    id: z.string().startsWith("gid://shopify/CartLine/"),
    quantity: z.int().positive().optional(),
  }),
});
const ProductDiscountCandidateSchema = z.strictObject({
  message: z.string().min(1).optional(),
  targets: z.array(CartLineTargetSchema).min(1),
  value: z.strictObject({ percentage: z.strictObject({ value: z.number().min(0).max(100) }) }),
});
const CartOperationSchema = z.strictObject({
  productDiscountsAdd: z.strictObject({
    candidates: z.array(ProductDiscountCandidateSchema).min(1),
    selectionStrategy: z.enum(["ALL", "FIRST", "MAXIMUM"]),
  }),
});
export const CartLinesDiscountsGenerateRunResultSchema = z.strictObject({
  operations: z.array(CartOperationSchema),
});
export type CartLinesDiscountsGenerateRunResult = z.infer<typeof CartLinesDiscountsGenerateRunResultSchema>;

let compiled: WebAssembly.Module | undefined;
/** Milliseconds each call of the `run` export took, over every input run so far. */
export const runTimes: number[] = [];

export function moduleSize(): number {
  return readFileSync(WASM_PATH).byteLength;
}

/** The function's output for `input` (an object serialized as JSON, or a string sent as is). */
export async function runFunction(input: unknown): Promise<CartLinesDiscountsGenerateRunResult> {
  compiled ??= new WebAssembly.Module(readFileSync(WASM_PATH));
  const dir = mkdtempSync(join(tmpdir(), "offer-discount-"));
  const paths = { stdin: join(dir, "stdin"), stdout: join(dir, "stdout"), stderr: join(dir, "stderr") };
  writeFileSync(paths.stdin, typeof input === "string" ? input : JSON.stringify(input));
  const fds = {
    stdin: openSync(paths.stdin, "r"),
    stdout: openSync(paths.stdout, "w"),
    stderr: openSync(paths.stderr, "w"),
  };
  try {
    const wasi = new WASI({ version: "preview1", args: [], env: {}, returnOnExit: true, ...fds });
    const { exports } = await WebAssembly.instantiate(
      compiled,
      wasi.getImportObject() as WebAssembly.Imports,
    );
    // Node 22's WASI starts only `_start`: hand it the `run` export under that name.
    const target = { exports: { _start: exports.run, memory: exports.memory } };
    const start = performance.now();
    const exitCode = wasi.start(target as unknown as WebAssembly.Instance);
    runTimes.push(performance.now() - start);
    if (exitCode !== 0) throw new Error(`The function exited with code ${exitCode}`);
  } finally {
    for (const fd of Object.values(fds)) closeSync(fd);
  }
  const stdout = readFileSync(paths.stdout, "utf8");
  rmSync(dir, { recursive: true, force: true });
  return CartLinesDiscountsGenerateRunResultSchema.parse(JSON.parse(stdout));
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
