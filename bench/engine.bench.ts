/**
 * Hagen engine speed (Node, tfjs wasm): seconds per training epoch of the tutorial model
 * (784-256-256-10, mock, batch 200, crop augmentation), test-set inference time (10k images), and a
 * per-op profile of one batch. Bars: ≤ 12 s per epoch incl. augmentation, inference ≤ 1 s.
 */
import * as tf from '@tensorflow/tfjs';
import { augmentBatch } from '../lib/data/augment';
import { gatherImages, shuffledOrder } from '../lib/data/batches';
import { DEFAULT_MOCK, OUTPUT_MAX, OUTPUT_MIN } from '../lib/hagen/constants';
import { tfjsEngine } from '../lib/hagen/tfjsEngine';
import { chunkRows, drawChunkNoise } from '../lib/hagen/mac';
import { buildModel } from '../lib/hagen/model';
import { loadMnistNode } from '../lib/host/node-data';
import { Rng } from '../lib/random';
import { initTf } from '../lib/tf/backend';
import { Adam } from '../lib/train/adam';
import { evaluate, imagesToInput } from '../lib/train/evaluate';
import { trainModel, TUTORIAL_DEFAULTS } from '../lib/train/train';

/** Mean milliseconds of `fn` over `reps` runs after one warm-up. */
function msPerCall(reps: number, fn: () => void): number {
  fn();
  const started = performance.now();
  for (let i = 0; i < reps; i++) fn();
  return +((performance.now() - started) / reps).toFixed(3);
}

export default async function engineBench(): Promise<Record<string, unknown>> {
  const tfBackend = await initTf('wasm');
  const data = await loadMnistNode();
  const config = { hidden: 256, layers: 2, shift: 1 };
  const model = buildModel(config, { backend: 'mock', mock: { ...DEFAULT_MOCK }, seed: 1 });
  const batch = 200;

  // One full epoch through trainModel (includes shuffling, gathering, crop augmentation, Adam, test).
  let epochSeconds = NaN, epochTrainOnlySeconds = NaN, testAccuracyAfterEpoch = NaN;
  const started = performance.now();
  let trainDone = started;
  for await (const p of trainModel(model, data, { ...TUTORIAL_DEFAULTS, epochs: 1, seed: 1, engine: 'tfjs' })) {
    if (p.batch === p.batchesPerEpoch && p.epochs.length === 0) trainDone = performance.now();
    if (p.state !== 'running') {
      epochSeconds = (performance.now() - started) / 1000;
      epochTrainOnlySeconds = (trainDone - started) / 1000;
      testAccuracyAfterEpoch = p.epochs[0]?.testAccuracy ?? NaN;
      break;
    }
  }

  const inferenceStarted = performance.now();
  evaluate(model, data.test, { engine: tfjsEngine, rng: new Rng(2) });
  const inferenceSeconds = (performance.now() - inferenceStarted) / 1000;

  // Per-op profile of one batch of 200 at the tutorial's shapes.
  const order = shuffledOrder(60000, 1, 0);
  const rng = new Rng(3);
  const gathered = gatherImages(data.train, order, 0, batch);
  const x = imagesToInput(gathered.images);
  const shapes = model.layers.map((l) => ({ k: l.inFeatures, n: l.outFeatures }));
  const wTensors = shapes.map(({ k, n }) => chunkRows(k).map((c) => tf.randomUniform([c.end - c.start, n], -63, 63).round()));
  const xTensors = shapes.map(({ k }) => chunkRows(k).map((c) => tf.randomUniform([batch, c.end - c.start], 0, 31).round()));
  const full = shapes.map(({ k, n }) => ({ x: tf.randomUniform([batch, k]), w: tf.randomUniform([n, k]), g: tf.randomUniform([batch, n]) }));
  const adam = new Adam(model.layers.flatMap((l) => [l.weight, l.bias]), { lr: 0.25 });
  const grads = model.layers.flatMap((l) => [new Float32Array(l.weight.length).fill(1e-3), new Float32Array(l.bias.length).fill(1e-3)]);
  const profileMs = {
    dataGather: msPerCall(20, () => gatherImages(data.train, order, 0, batch)),
    augmentCrop: msPerCall(10, () => augmentBatch(gathered.images, batch, 'crop', rng)),
    matmulForward: msPerCall(10, () => tf.tidy(() => { xTensors.forEach((xs, i) => xs.forEach((xc, c) => tf.matMul(xc, wTensors[i][c]).dataSync())); })),
    noiseDraw: msPerCall(10, () => shapes.forEach(({ k, n }) => drawChunkNoise(rng, chunkRows(k).length, batch, n, DEFAULT_MOCK.noiseStd))),
    floorClampAdd: msPerCall(10, () => tf.tidy(() => {
      shapes.forEach(({ k, n }) => {
        const locals = chunkRows(k).map(() => tf.clipByValue(tf.floor(tf.add(tf.mul(tf.ones([batch, n]), 0.006), tf.zeros([batch, n]))), OUTPUT_MIN, OUTPUT_MAX));
        tf.clipByValue(locals.length > 1 ? tf.addN(locals) : locals[0], OUTPUT_MIN, OUTPUT_MAX).dataSync();
      });
    })),
    backwardMatmuls: msPerCall(10, () => tf.tidy(() => {
      full.forEach(({ x: xi, w, g }, i) => {
        tf.matMul(tf.transpose(g), xi).dataSync();
        if (i > 0) tf.matMul(g, w).dataSync();
      });
    })),
    adamStep: msPerCall(10, () => adam.step(grads)),
    wholeTrainStep: msPerCall(10, () => { tfjsEngine.trainStep(model, x, gathered.labels, batch, rng); }),
  };
  tf.dispose([...wTensors.flat(), ...xTensors.flat(), ...full.flatMap((f) => [f.x, f.w, f.g])]);

  return {
    tfBackend,
    model: '784-256-256-10 mock, batch 200, augment crop',
    epochSeconds: +epochSeconds.toFixed(2),
    epochTrainOnlySeconds: +epochTrainOnlySeconds.toFixed(2),
    testAccuracyAfterEpoch,
    inferenceSeconds10k: +inferenceSeconds.toFixed(3),
    bars: { epochSecondsMax: 12, inferenceSecondsMax: 1 },
    profileMsPerBatch: profileMs,
  };
}
