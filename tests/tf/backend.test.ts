import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { backendOrder, configureWasmPaths, initTf, isNodeHost, wasmFeatures } from '../../lib/tf/backend';

describe('initTf in Node', () => {
  it('selects wasm with SIMD, idempotently', async () => {
    expect(isNodeHost()).toBe(true);
    const first = initTf();
    expect(initTf()).toBe(first); // same promise: no second initialisation
    expect(await first).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect((await wasmFeatures()).simd).toBe(true);
    // It computes: a small matMul on the selected backend.
    const product = tf.tidy(() => tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([1, 0, 0, 1], [2, 2])).dataSync());
    expect(Array.from(product)).toEqual([1, 2, 3, 4]);
  });

  it('honours an explicit backend and rejects unknown or unavailable ones', async () => {
    expect(await initTf('cpu')).toBe('cpu');
    expect((await wasmFeatures()).simd).toBe(false);
    await expect(initTf('tpu')).rejects.toThrow(/initTf: unknown backend "tpu"; allowed: webgpu, webgl, wasm, cpu/);
    await expect(initTf('webgpu')).rejects.toThrow(/initTf: no tfjs backend could start; tried webgpu \(not registered\)/);
    expect(await initTf()).toBe('wasm');
  });

  it('validates wasm paths and refuses them once wasm has started', async () => {
    expect(() => configureWasmPaths('assets')).toThrow(/prefix must be a URL directory ending in "\/", got "assets"/);
    await initTf();
    expect(() => configureWasmPaths('./')).toThrow(/already started/);
  });
});

describe('backendOrder', () => {
  it('prefers webgpu, then hardware webgl, then wasm and cpu in browsers; wasm in Node', () => {
    expect(backendOrder({ node: true, webgpu: false, hardwareWebgl: false })).toEqual(['wasm']);
    expect(backendOrder({ node: false, webgpu: true, hardwareWebgl: true })).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
    // Headless Chromium without a GPU: software WebGL is slower than wasm, so it is skipped.
    expect(backendOrder({ node: false, webgpu: false, hardwareWebgl: false })).toEqual(['wasm', 'cpu']);
    expect(backendOrder({ node: false, webgpu: false, hardwareWebgl: true }, 'cpu')).toEqual(['cpu']);
    expect(() => backendOrder({ node: true, webgpu: false, hardwareWebgl: false }, 'WASM')).toThrow(/unknown backend "WASM"/);
  });
});
