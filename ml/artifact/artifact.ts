import { z } from "zod";
import { type Engine, hybridEngine } from "../serve/engine";
import { type HybridParams, HybridRecommender } from "../train/hybrid";
import { SIGNALS, type Signal } from "../train/hybrid-tuning";
import type { ModelArrays } from "../train/recommender";

const FORMAT = "checkout-upsell-engine";
/**
 * Bumped whenever what the arrays mean changes (2: the ranker's features gained basket links,
 * newcomer and repeat-buying facts; 3: the word-affinity signal; 4: which way co-purchase leans and
 * the cart's shape; 5: EASE kept as sparse rows, arrays stored in 16 bits where they fit), so an
 * older artifact is refused, never misread.
 */
const VERSION = 5;
/** What an artifact holds: the hybrid's parameters and arrays, and the catalog they index. */
export interface ArtifactContent {
  params: HybridParams;
  arrays: ModelArrays;
  productIds: readonly string[];
  titles: readonly string[];
}

/**
 * How an array is stored: f32 and i32 as they are; u16, whole numbers from 0 to 65,535 (neighbour
 * lists of catalogs under 65,536 products); q16, a lookup table's real values rounded to one of
 * 65,536 steps between its minimum and maximum. Rounding keeps a similarity to about five
 * significant digits; the ranker's trees and the per-product facts are never rounded.
 */
type Encoding = "f32" | "i32" | "u16" | "q16";

/** The lookup tables read per candidate, and only those, are stored rounded (q16). */
const ROUNDED = /\.(similarity|affinity|rowValues)$/;

interface DirectoryEntry {
  name: string;
  type: Encoding;
  /** byte offset after the header */
  offset: number;
  length: number;
  /** q16: value = min + step × stored */
  min?: number;
  step?: number;
}

function encodingOf(name: string, array: Float32Array | Int32Array): Omit<DirectoryEntry, "offset"> {
  const { length } = array;
  if (array instanceof Int32Array) {
    let fits = true;
    for (let i = 0; i < length && fits; i++) fits = array[i]! >= 0 && array[i]! <= 0xffff;
    return { name, type: fits ? "u16" : "i32", length };
  }
  if (!ROUNDED.test(name) || length === 0) return { name, type: "f32", length };
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < length; i++) {
    min = Math.min(min, array[i]!);
    max = Math.max(max, array[i]!);
  }
  return { name, type: "q16", length, min, step: max > min ? (max - min) / 0xffff : 0 };
}

const BYTES: Record<Encoding, number> = { f32: 4, i32: 4, u16: 2, q16: 2 };

/** Layout: a JSON header (format, parameters, catalog, array directory) then the arrays' bytes. */
export function encodeEngine({ params, arrays, productIds, titles }: ArtifactContent): Uint8Array {
  const directory: DirectoryEntry[] = [];
  let offset = 0;
  for (const [name, array] of Object.entries(arrays)) {
    directory.push({ ...encodingOf(name, array), offset });
    // Each array starts 4-byte aligned.
    offset += Math.ceil((array.length * BYTES[directory.at(-1)!.type]) / 4) * 4;
  }
  const header = new TextEncoder().encode(
    JSON.stringify({ format: FORMAT, version: VERSION, params, productIds, titles, directory }),
  );
  const start = 8 + Math.ceil(header.length / 4) * 4;
  const bytes = new Uint8Array(start + offset);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, 0x43554149); // "CUAI"
  view.setUint32(4, header.length);
  bytes.set(header, 8);
  for (const entry of directory) {
    const array = arrays[entry.name]!;
    const at = start + entry.offset;
    if (entry.type === "f32" || entry.type === "i32") {
      bytes.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), at);
      continue;
    }
    const stored = new Uint16Array(bytes.buffer, at, array.length);
    if (entry.type === "u16") stored.set(array);
    else {
      const { min = 0, step = 0 } = entry;
      for (let i = 0; i < array.length; i++)
        stored[i] = step === 0 ? 0 : Math.round((array[i]! - min) / step);
    }
  }
  return bytes;
}

/**
 * The engine exactly as it is served: the model encoded to an artifact and decoded back, so a
 * measurement of it is a measurement of what checkouts will get, rounding included.
 */
export function servedEngine(content: ArtifactContent): Promise<Engine> {
  return decodeEngine(encodeEngine(content));
}

/** An engine from `encode()`'s bytes; rejects with a clear error on anything else. */
const ArtifactFormatSchema = z.object({ format: z.string(), version: z.number() });
const WeightsSchema = z.object(
  Object.fromEntries(SIGNALS.map((signal) => [signal, z.number().finite()])) as Record<Signal, z.ZodNumber>,
);
/** An artifact's header, checked before anything is read by it: a damaged one fails here, by name. */
const ArtifactHeaderSchema = z
  .object({
    params: z.object({
      weights: z.object({ returning: WeightsSchema, newcomer: WeightsSchema }),
      alphas: z.object({ coPurchase: z.number().finite(), coCustomer: z.number().finite() }),
      factorizationDimensions: z.number().int().positive().nullable(),
    }) satisfies z.ZodType<HybridParams>,
    productIds: z.array(z.string()),
    titles: z.array(z.string()),
    directory: z.array(
      z.object({
        name: z.string().min(1),
        type: z.enum(["f32", "i32", "u16", "q16"]),
        min: z.number().finite().optional(),
        step: z.number().finite().nonnegative().optional(),
        offset: z.number().int().nonnegative(),
        length: z.number().int().nonnegative(),
      }),
    ),
  })
  .refine((header) => header.titles.length === header.productIds.length, {
    path: ["titles"],
    message: "must name every product",
  });

export async function decodeEngine(bytes: Uint8Array): Promise<Engine> {
  if (bytes.length < 8) throw new Error("not an engine artifact: too short");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0) !== 0x43554149) throw new Error("not an engine artifact: bad magic number");
  const headerLength = view.getUint32(4);
  if (8 + headerLength > bytes.length) throw new Error("not an engine artifact: truncated header");
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch {
    throw new Error("not an engine artifact: its header is not JSON");
  }
  const format = ArtifactFormatSchema.safeParse(json);
  if (!format.success) throw new Error("not an engine artifact: its header names no format");
  if (format.data.format !== FORMAT || format.data.version !== VERSION) {
    throw new Error(`unsupported engine artifact ${format.data.format} v${format.data.version}`);
  }
  const parsed = ArtifactHeaderSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`not an engine artifact: header ${issue.path.join(".")} ${issue.message}`);
  }
  const header = parsed.data;
  const start = 8 + Math.ceil(headerLength / 4) * 4;
  const arrays: ModelArrays = {};
  for (const { name, type, offset, length, min = 0, step = 0 } of header.directory) {
    const from = start + offset;
    const size = length * BYTES[type];
    if (from + size > bytes.length) throw new Error(`engine artifact truncated in ${name}`);
    // Copy: the source may not be 4-byte aligned, and a Node Buffer's slice() is a view, not a copy.
    const raw = new Uint8Array(bytes.subarray(from, from + size));
    if (type === "f32") arrays[name] = new Float32Array(raw.buffer);
    else if (type === "i32") arrays[name] = new Int32Array(raw.buffer);
    else arrays[name] = await widen(new Uint16Array(raw.buffer), type, min, step);
    // A server decodes a new model while it serves checkouts: a few milliseconds at a time.
    await nextTurn();
  }
  const model = HybridRecommender.restore(header.params, arrays);
  await model.prepare(nextTurn);
  const engine = hybridEngine(model, header.productIds, header.titles);
  await warmUp(engine);
  return engine;
}

/** values widened between two turns of the event loop: a few milliseconds' work */
const WIDEN_SLICE = 2 ** 19;

/** A 16-bit array as the model reads it; plain loops, several times faster than TypedArray.from. */
async function widen(
  stored: Uint16Array,
  type: "u16" | "q16",
  min: number,
  step: number,
): Promise<Int32Array | Float32Array> {
  const { length } = stored;
  const wide = type === "u16" ? new Int32Array(length) : new Float32Array(length);
  for (let from = 0; from < length; from += WIDEN_SLICE) {
    const to = Math.min(length, from + WIDEN_SLICE);
    if (type === "u16") for (let i = from; i < to; i++) wide[i] = stored[i]!;
    else for (let i = from; i < to; i++) wide[i] = min + step * stored[i]!;
    if (to < length) await nextTurn();
  }
  return wide;
}

/** Lets the event loop run what is waiting before the next array is decoded. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** checkouts a decoded engine ranks before it serves */
const WARM_UP_CHECKOUTS = 48;

/**
 * Ranks a few made-up checkouts, one a turn: a new engine's first checkouts took 2-4 ms each
 * (its buffers allocated, its trees' functions not yet optimized), where a warm one takes 0.4.
 */
async function warmUp(engine: Engine): Promise<void> {
  const { productIds } = engine;
  if (productIds.length === 0) return;
  for (let i = 0; i < WARM_UP_CHECKOUTS; i++) {
    const history = i % 2 === 0 ? [] : [{ productId: productIds[(i * 7) % productIds.length]!, at: 0 }];
    engine.recommend({ cart: [productIds[i % productIds.length]!], history, k: 3, now: 0 });
    await nextTurn();
  }
}
