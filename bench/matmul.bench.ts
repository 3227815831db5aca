/**
 * tfjs-wasm matMul with transposeA/transposeB vs an explicit (materialised) transpose, for the
 * shapes of training the 784-256-256-10 MLP with batch 200. In tfjs-wasm 4.22 the transposed
 * variants leave the fast XNNPACK path (facts.md), so the training engine materialises transposes.
 */
import * as tf from '@tensorflow/tfjs';
import { initTf } from '../lib/tf/backend';

const BATCH = 200;

interface Case {
  name: string;
  a: [number, number];
  b: [number, number];
  transposeA: boolean;
  transposeB: boolean;
}

const CASES: Case[] = [
  { name: 'forward x·W [200,784]·[784,256]', a: [BATCH, 784], b: [784, 256], transposeA: false, transposeB: false },
  { name: 'grad W xᵀ·dy [200,784]ᵀ·[200,256]', a: [BATCH, 784], b: [BATCH, 256], transposeA: true, transposeB: false },
  { name: 'grad x dy·Wᵀ [200,256]·[784,256]ᵀ', a: [BATCH, 256], b: [784, 256], transposeA: false, transposeB: true },
  { name: 'grad W2 hᵀ·dy [200,256]ᵀ·[200,256]', a: [BATCH, 256], b: [BATCH, 256], transposeA: true, transposeB: false },
  { name: 'grad W3 hᵀ·dy [200,256]ᵀ·[200,10]', a: [BATCH, 256], b: [BATCH, 10], transposeA: true, transposeB: false },
];

function medianMs(run: () => void, repeats: number): number {
  for (let i = 0; i < 3; i++) run(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    run();
    times.push(performance.now() - started);
  }
  times.sort((x, y) => x - y);
  return Number(times[Math.floor(times.length / 2)].toFixed(3));
}

export default async function matmulBench(): Promise<Record<string, unknown>> {
  const backend = await initTf('wasm');
  const results: Record<string, unknown>[] = [];
  for (const c of CASES) {
    const a = tf.randomUniform(c.a, -1, 1, 'float32', 1);
    const b = tf.randomUniform(c.b, -1, 1, 'float32', 2);
    // Read the result outside tf.tidy: tidy walks a returned typed array element by element
    // looking for tensors (≈1 µs per element), which would swamp the matMul itself.
    const readAndDispose = (t: tf.Tensor) => {
      t.dataSync();
      t.dispose();
    };
    const fused = () => readAndDispose(tf.tidy(() => tf.matMul(a, b, c.transposeA, c.transposeB)));
    const materialised = () =>
      readAndDispose(tf.tidy(() => tf.matMul(c.transposeA ? tf.transpose(a) : a, c.transposeB ? tf.transpose(b) : b)));
    const transposedMs = medianMs(fused, 15);
    const materialisedMs = medianMs(materialised, 15);
    results.push({
      case: c.name,
      transposeFlagMs: transposedMs,
      materialisedTransposeMs: materialisedMs,
      speedup: Number((transposedMs / materialisedMs).toFixed(1)),
    });
    a.dispose();
    b.dispose();
  }
  return { backend, repeats: 15, statistic: 'median ms incl. dataSync', results };
}
