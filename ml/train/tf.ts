import type * as Tf from "@tensorflow/tfjs";

export type TfModule = typeof Tf;

export interface TfRuntime {
  tf: TfModule;
  /** "tensorflow" (native tfjs-node), "wasm" or "cpu" */
  backend: string;
}

// A variable specifier: tfjs-node is optional, and most installs do not have it.
const NATIVE = "@tensorflow/tfjs-node";

let runtime: Promise<TfRuntime> | undefined;

/**
 * TF.js with the fastest backend this machine has, chosen once: native TensorFlow when the optional
 * @tensorflow/tfjs-node is installed, else WebAssembly (about 15x the pure-JS backend), else pure JS.
 */
export function loadTf(): Promise<TfRuntime> {
  runtime ??= pickBackend();
  return runtime;
}

async function pickBackend(): Promise<TfRuntime> {
  try {
    const tf = (await import(NATIVE)) as TfModule;
    await tf.ready();
    return { tf, backend: tf.getBackend() };
  } catch {
    // Not installed, or its native library is missing: fall through to WebAssembly.
  }
  const tf = await import("@tensorflow/tfjs");
  await import("@tensorflow/tfjs-backend-wasm");
  registerSegmentSum(tf);
  for (const backend of ["wasm", "cpu"]) {
    if (await tf.setBackend(backend).catch(() => false)) {
      await tf.ready();
      return { tf, backend };
    }
  }
  throw new Error("no TF.js backend could start");
}

interface WasmBackend {
  readSync(dataId: unknown): ArrayLike<number>;
  makeOutput(shape: number[], dtype: string): { dataId: unknown; shape: number[]; dtype: string };
  typedArrayFromHeap(info: { dataId: unknown; shape: number[]; dtype: string }): Float32Array;
}

/**
 * The WebAssembly backend lacks UnsortedSegmentSum, the gradient of `gather`, so embeddings could
 * not be trained on it. This adds it: a scatter-add of rows into segments, on the WASM heap.
 */
function registerSegmentSum(tf: TfModule) {
  if (tf.getKernel("UnsortedSegmentSum", "wasm")) return;
  tf.registerKernel({
    kernelName: "UnsortedSegmentSum",
    backendName: "wasm",
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, segmentIds } = inputs as unknown as Record<
        string,
        { dataId: unknown; shape: number[]; dtype: string }
      >;
      const numSegments = (attrs as unknown as { numSegments: number }).numSegments;
      const wasm = backend as unknown as WasmBackend;
      const rows = x!.shape[0]!;
      const width = x!.shape.slice(1).reduce((a, b) => a * b, 1);
      const values = wasm.readSync(x!.dataId);
      const segments = wasm.readSync(segmentIds!.dataId);
      const output = wasm.makeOutput([numSegments, ...x!.shape.slice(1)], x!.dtype);
      const out = wasm.typedArrayFromHeap(output);
      out.fill(0);
      for (let r = 0; r < rows; r++) {
        const segment = segments[r]!;
        if (segment < 0 || segment >= numSegments) continue;
        const from = r * width;
        const to = segment * width;
        for (let k = 0; k < width; k++) out[to + k]! += values[from + k]!;
      }
      return output as never;
    },
  });
}
