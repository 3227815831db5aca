/**
 * `tfjsEngine`: the hagen-mode network on TensorFlow.js (use the wasm backend: call lib/tf/backend.ts
 * initTf() first). It draws noise in the same order as `referenceEngine`, so with the same Rng they agree
 * exactly. tfjs is large and the default engine never needs it: this module is only reached through
 * `loadEngine('tfjs')` (lib/hagen/engine.ts), a dynamic import that bundlers split off the first view.
 *
 * Speed notes (tfjs-wasm 4.22, see shared/spec/facts.md): batched matMul and transposeA/B leave the
 * fast XNNPACK path, so every chunk is its own 2-D matMul, layer-0 chunks are cut in JS (slicing a
 * tensor costs more than building it), and the backward transposes explicitly.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../random';
import { INPUT_MAX, OUTPUT_MAX, OUTPUT_MIN, RELU_MAX } from './constants';
import { clampWeightInPlace, transpose } from './linear';
import { crossEntropy64 } from './loss';
import { checkInputRange, checkWeightRange, chunkRows, drawChunkNoise, floorClamp8, macScale, roundAll, roundHalfEven, type RowChunk } from './mac';
import { checkEngineCall, engineInputFloats } from './referenceEngine';
import type { ChipDevice, HagenEngine, HagenModel, LayerGrads, LayerParams, TrainStepResult } from './types';

/** Columns start..end of a row-major [rows, cols] matrix, as a new [rows, end−start] matrix. */
function columnBlock(m: Float32Array, rows: number, cols: number, { start, end }: RowChunk): Float32Array {
  const width = end - start;
  const out = new Float32Array(rows * width);
  for (let r = 0; r < rows; r++) out.set(m.subarray(r * cols + start, r * cols + end), r * width);
  return out;
}

/** Rounded weight rows start..end of Wᵀ ([K,N] from torch's [N,K]), the chip's weights for one chunk. */
function roundedWeightChunk(weight: Float32Array, n: number, k: number, { start, end }: RowChunk): Float32Array {
  const rows = end - start;
  const out = new Float32Array(rows * n);
  for (let j = 0; j < n; j++) {
    const row = j * k;
    for (let r = 0; r < rows; r++) out[r * n + j] = roundHalfEven(weight[row + start + r]);
  }
  return out;
}

/** The mock MAC on tensors: per chunk matMul · scale + noise, floor, clamp; sum; clamp. */
function mockMacTensor(input: tf.Tensor2D | Float32Array, batch: number, layer: LayerParams, gain: number, noiseStd: number, rng: Rng | null): tf.Tensor2D {
  const { inFeatures: k, outFeatures: n, weight } = layer;
  const chunks = chunkRows(k);
  const scale = tf.scalar(macScale(layer.numSends, gain));
  const noise = drawChunkNoise(rng, chunks.length, batch, n, noiseStd);
  const locals = chunks.map((chunk, c) => {
    const rows = chunk.end - chunk.start;
    const xChunk = input instanceof Float32Array
      ? tf.tensor2d(columnBlock(input, batch, k, chunk), [batch, rows])
      : chunks.length === 1 ? input : tf.slice(input, [0, chunk.start], [batch, rows]);
    const wq = roundedWeightChunk(weight, n, k, chunk);
    checkWeightRange(wq);
    let local = tf.mul(tf.matMul(xChunk, tf.tensor2d(wq, [rows, n])), scale);
    if (noise) local = tf.add(local, tf.tensor2d(noise.subarray(c * batch * n, (c + 1) * batch * n), [batch, n]));
    return tf.clipByValue(tf.floor(local), OUTPUT_MIN, OUTPUT_MAX);
  });
  return tf.clipByValue(locals.length === 1 ? locals[0] : tf.addN(locals), OUTPUT_MIN, OUTPUT_MAX) as tf.Tensor2D;
}

interface TensorTrace { inputs: tf.Tensor2D[]; preActivations: tf.Tensor2D[]; logits: tf.Tensor2D }

/** Forward pass on tensors; call inside tf.tidy. Mutates the model's weights (in-place clamp) like hxtorch. */
function forwardTensors(model: HagenModel, x: Float32Array, batch: number, rng: Rng | null, chip?: ChipDevice): TensorTrace {
  checkEngineCall(model, x, batch, chip);
  const ideal = model.backend === 'ideal';
  if (!ideal) checkInputRange(roundAll(x));
  const inputs: tf.Tensor2D[] = [];
  const preActivations: tf.Tensor2D[] = [];
  const divisor = 2 ** model.shift;
  let current: tf.Tensor2D = tf.tensor2d(x, [batch, model.layers[0].inFeatures]);
  model.layers.forEach((layer, i) => {
    const { inFeatures: k, outFeatures: n } = layer;
    inputs.push(current);
    let out: tf.Tensor2D;
    if (ideal) {
      const mm = tf.matMul(current, tf.tensor2d(transpose(layer.weight, n, k), [k, n]));
      out = tf.add(tf.mul(mm, layer.numSends * model.mock.gain), tf.tensor1d(layer.bias)) as tf.Tensor2D;
    } else {
      clampWeightInPlace(layer.weight);
      let mac: tf.Tensor2D;
      if (model.backend === 'chip') {
        const xs = i === 0 ? x : (current.dataSync() as Float32Array);
        mac = tf.tensor2d(chip!.mac(xs, batch, transpose(layer.weight, n, k), k, n, layer.numSends), [batch, n]);
      } else {
        // layer 0's input is cut into chunks in JS (already rounded and range-checked above)
        mac = mockMacTensor(i === 0 ? roundAll(x) : current, batch, layer, model.mock.gain, model.mock.noiseStd, rng);
      }
      // Digital bias add: the MAC output is already an integer in −128..127; the bias is floored and saturated.
      const bias = tf.tensor1d(Float32Array.from(layer.bias, floorClamp8));
      out = tf.clipByValue(tf.add(tf.clipByValue(tf.floor(mac), OUTPUT_MIN, OUTPUT_MAX), bias), OUTPUT_MIN, OUTPUT_MAX) as tf.Tensor2D;
    }
    preActivations.push(out);
    if (i === model.layers.length - 1) current = out;
    else if (ideal) current = tf.div(tf.relu(out), divisor) as tf.Tensor2D;
    else current = tf.clipByValue(tf.floor(tf.div(tf.clipByValue(tf.floor(out), 0, RELU_MAX), divisor)), 0, INPUT_MAX) as tf.Tensor2D;
  });
  return { inputs, preActivations, logits: current };
}

/** A HagenEngine on TensorFlow.js. Holds no tensors between calls, so it needs no dispose. */
function createTfjsEngine(): HagenEngine {
  return {
    name: 'tfjs',
    forward(model, x, batch, rng, chip) {
      const xs = engineInputFloats(model, x, batch);
      return tf.tidy(() => forwardTensors(model, xs, batch, rng, chip).logits.dataSync() as Float32Array);
    },
    trainStep(model, x, labels, batch, rng, chip): TrainStepResult {
      let result: TrainStepResult | undefined;
      const xs = engineInputFloats(model, x, batch);
      tf.tidy(() => {
        const trace = forwardTensors(model, xs, batch, rng, chip);
        const logits = trace.logits.dataSync() as Float32Array;
        const { loss, dlogits } = crossEntropy64(logits, labels, batch);
        const grads: LayerGrads[] = new Array(model.layers.length);
        const divisor = 2 ** model.shift;
        let dy: tf.Tensor2D = tf.tensor2d(dlogits, [batch, model.layers[model.layers.length - 1].outFeatures]);
        for (let i = model.layers.length - 1; i >= 0; i--) {
          const layer = model.layers[i];
          // Straight-through MAC backward with the model's mock gain: g = dy·gain·numSends.
          const g = tf.mul(dy, layer.numSends * model.mock.gain);
          // dW in torch layout [N,K] = gᵀ x (explicit transpose: transposeA is slow on wasm).
          const dw = tf.matMul(tf.transpose(g), trace.inputs[i]);
          grads[i] = { weight: dw.dataSync() as Float32Array, bias: tf.sum(dy, 0).dataSync() as Float32Array };
          if (i > 0) {
            const dx = tf.matMul(g, tf.tensor2d(layer.weight, [layer.outFeatures, layer.inFeatures]));
            const mask = tf.cast(tf.greater(trace.preActivations[i - 1], 0), 'float32');
            dy = tf.div(tf.mul(dx, mask), divisor);
          }
        }
        result = { loss, logits, grads };
      });
      return result!;
    },
  };
}

export const tfjsEngine: HagenEngine = createTfjsEngine();
