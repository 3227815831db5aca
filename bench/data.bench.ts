/** Data pipeline costs: loading MNIST, RandomResizedCrop per batch and per epoch, compact encoding size. */
import { gzipSync, gunzipSync } from 'node:zlib';
import { augmentBatch, drawCropBoxes, resizeCrops, type CropResizer } from '../lib/data/augment';
import { resizeCropsWithTfjs } from '../lib/data/augment-tfjs';
import { gatherImages, shuffledOrder } from '../lib/data/batches';
import { decodeSplit, encodeSplit } from '../lib/data/encoding';
import { loadMnistNode } from '../lib/host/node-data';
import { Rng } from '../lib/random';
import { initTf } from '../lib/tf/backend';

const BATCH = 200;
const EPOCH_BATCHES = 300;

function seconds(started: number): number {
  return Number(((performance.now() - started) / 1000).toFixed(4));
}

/**
 * Wall and CPU milliseconds per call. Other engineers load the 2 cores while benchmarks run, so
 * wall time is inflated; this process's CPU time is the steadier number.
 */
function timePerCall(run: () => void, calls: number): { wallMs: number; cpuMs: number } {
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  for (let i = 0; i < calls; i++) run();
  const cpu = process.cpuUsage(cpuStart);
  return {
    wallMs: Number(((performance.now() - wallStart) / calls).toFixed(3)),
    cpuMs: Number(((cpu.user + cpu.system) / 1000 / calls).toFixed(3)),
  };
}

export default async function dataBench(): Promise<Record<string, unknown>> {
  const backend = await initTf();

  const loadTimes: number[] = [];
  const loadCpuStart = process.cpuUsage();
  let data = await loadMnistNode();
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    data = await loadMnistNode();
    loadTimes.push(performance.now() - started);
  }
  const loadCpu = process.cpuUsage(loadCpuStart);

  const order = shuffledOrder(data.train.count, 1, 0);
  const perBatch: Record<string, { wallMs: number; cpuMs: number }> = {};
  for (const mode of ['crop', 'mild', 'none'] as const) {
    const rng = new Rng(1);
    const { images } = gatherImages(data.train, order, 0, BATCH);
    for (let i = 0; i < 10; i++) augmentBatch(images, BATCH, mode, rng); // past the JIT warm-up
    perBatch[mode] = timePerCall(() => augmentBatch(images, BATCH, mode, rng), 20);
  }

  // The resize alone (the augmentation thread's work), typed kernel vs tf.image.cropAndResize on the
  // same 'crop' boxes: best and median of 7 rounds of 20 calls, CPU milliseconds per batch of 200.
  const cropResize: Record<string, unknown> = {};
  {
    const { images } = gatherImages(data.train, order, 0, BATCH);
    const boxes = drawCropBoxes(BATCH, 'crop', new Rng(3))!;
    const resizer: Record<'typed' | 'tfjs', CropResizer> = { typed: resizeCrops, tfjs: resizeCropsWithTfjs };
    const resizers = ['typed', 'tfjs'] as const;
    const rounds: Record<string, number[]> = { typed: [], tfjs: [] };
    for (const name of resizers) for (let i = 0; i < 5; i++) resizer[name](images, BATCH, boxes);
    for (let round = 0; round < 7; round++) {
      for (const name of resizers) rounds[name].push(timePerCall(() => resizer[name](images, BATCH, boxes), 20).cpuMs);
    }
    for (const name of resizers) {
      const sorted = rounds[name].sort((a, b) => a - b);
      cropResize[name] = { bestCpuMs: sorted[0], medianCpuMs: sorted[3] };
    }
    const median = (name: 'typed' | 'tfjs') => (cropResize[name] as { medianCpuMs: number }).medianCpuMs;
    cropResize.speedup = Number((median('tfjs') / median('typed')).toFixed(1));
    cropResize.tfjsBackend = backend;
  }

  // One epoch of the tutorial's pipeline: shuffle, gather and crop 300 batches of 200.
  const rng = new Rng(2);
  let batch = 0;
  const epochPerBatch = timePerCall(() => {
    const { images } = gatherImages(data.train, order, batch * BATCH, (batch + 1) * BATCH);
    augmentBatch(images, BATCH, 'crop', rng);
    batch++;
  }, EPOCH_BATCHES);
  const epochCrop = {
    batches: EPOCH_BATCHES,
    batchSize: BATCH,
    wallSeconds: Number(((epochPerBatch.wallMs * EPOCH_BATCHES) / 1000).toFixed(3)),
    cpuSeconds: Number(((epochPerBatch.cpuMs * EPOCH_BATCHES) / 1000).toFixed(3)),
  };

  let started = performance.now();
  const train = encodeSplit(data.train);
  const test = encodeSplit(data.test);
  const encodeSeconds = seconds(started);
  started = performance.now();
  const trainGz = gzipSync(train, { level: 9 });
  const testGz = gzipSync(test, { level: 9 });
  const gzipSeconds = seconds(started);
  started = performance.now();
  decodeSplit(gunzipSync(trainGz), 'mnist-train.bin');
  decodeSplit(gunzipSync(testGz), 'mnist-test.bin');
  const gunzipDecodeSeconds = seconds(started);

  return {
    backend,
    loadMnistWallMs: loadTimes.map((t) => Number(t.toFixed(1))),
    loadMnistCpuMs: Number(((loadCpu.user + loadCpu.system) / 1000 / 4).toFixed(1)),
    augmentPerBatchOf200: perBatch,
    cropResizePerBatchOf200: cropResize,
    augmentEpochCrop: epochCrop,
    encoding: {
      rawBytes: train.length + test.length,
      gzip9Bytes: trainGz.length + testGz.length,
      gzip9TrainBytes: trainGz.length,
      gzip9TestBytes: testGz.length,
      budgetBytes: 3 * 1024 * 1024,
      encodeSeconds,
      gzip9Seconds: gzipSeconds,
      gunzipAndDecodeSeconds: gunzipDecodeSeconds,
    },
  };
}
