/**
 * Hardware range: inputs outside 0…31 or weights outside ±63 that reach a MAC raise the range error (as
 * hxtorch's OverflowError) in every implementation — the mock reference, the fast engine, the tfjs engine
 * and the emulated chip — and in the notebook the error shows in the cell that caused it and its dependants,
 * while the rest of the notebook keeps working.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notebookCells } from '../../cells/index';
import { createChip } from '../../lib/chip/chip';
import { INPUT_MAX, WEIGHT_MAX } from '../../lib/hagen/constants';
import { referenceEngine } from '../../lib/hagen/engine';
import { tfjsEngine } from '../../lib/hagen/tfjsEngine';
import { fastEngine } from '../../lib/hagen/fast/index';
import { mockMacForward } from '../../lib/hagen/mac';
import { buildModel } from '../../lib/hagen/model';
import { predict } from '../../lib/hagen/predict';
import type { ChipDevice, HagenEngine, HagenModel } from '../../lib/hagen/types';
import { HeadlessView } from '../../lib/runtime/headless-view';
import type { Host } from '../../lib/runtime/host';
import { createNotebook, type Notebook } from '../../lib/runtime/notebook';
import { initTf } from '../../lib/tf/backend';

const INPUT_RANGE = /input.*0\s*(\.\.|…)\s*31/;
const WEIGHT_RANGE = /weight.*63\s*(\.\.|…)\s*63/;
const K = 130; // more than one 128-row chunk
const N = 4;
const MOCK = { noiseStd: 2, gain: 0.002 };

function inputs(bad: number, at = 129): Float32Array {
  const x = new Float32Array(K).fill(1);
  x[at] = bad;
  return x;
}
function weights(bad: number, at = 7): Float32Array {
  const w = new Float32Array(K * N).fill(3);
  w[at] = bad;
  return w;
}

beforeAll(async () => {
  await initTf();
});

describe('values outside the hardware range reaching the MAC', () => {
  const macs: [string, (x: Float32Array, w: Float32Array) => Float32Array][] = [
    ['mock MAC (reference)', (x, w) => mockMacForward(x, 1, w, K, N, 1, MOCK, null)],
    ['emulated chip', (x, w) => createChip(1).mac(x, 1, w, K, N, 1)],
  ];
  it.each(macs)('%s: inputs 32, 31.6, −1 and NaN are refused; 31.4 and −0.4 round into range', (_name, mac) => {
    for (const bad of [INPUT_MAX + 1, 31.6, -1, NaN]) expect(() => mac(inputs(bad), weights(0))).toThrow(INPUT_RANGE);
    for (const fine of [31.4, -0.4]) expect(mac(inputs(fine), weights(0))).toHaveLength(N);
  });
  it.each(macs)('%s: weights 64, −64 and 63.6 are refused (no clamping inside the MAC)', (_name, mac) => {
    for (const bad of [WEIGHT_MAX + 1, -(WEIGHT_MAX + 1), 63.6]) expect(() => mac(inputs(1), weights(bad))).toThrow(WEIGHT_RANGE);
    expect(mac(inputs(1), weights(63.4))).toHaveLength(N);
  });

  const engines: [string, HagenEngine][] = [['fast', fastEngine], ['tfjs', tfjsEngine], ['reference', referenceEngine]];
  const chip: ChipDevice = createChip(1);
  for (const backend of ['mock', 'chip'] as const) {
    it.each(engines)(`%s engine, ${backend} backend: an input of 40 (or −2) in forward and trainStep raises the range error`, (_name, engine) => {
      const model = buildModel({ hidden: 8, layers: 1, shift: 1 }, { backend, mock: MOCK, seed: 1 });
      const x = new Float32Array(2 * 784).fill(0);
      x[784 + 300] = 40;
      expect(() => engine.forward(model, x, 2, null, chip)).toThrow(INPUT_RANGE);
      x[784 + 300] = -2;
      expect(() => engine.trainStep(model, x, new Uint8Array([1, 2]), 2, null, chip)).toThrow(INPUT_RANGE);
    });
  }
  it.each(engines)('%s engine: stored weights beyond ±63 are clamped in place before the MAC, as hxtorch\'s Linear does', (_name, engine) => {
    const model = buildModel({ hidden: 8, layers: 1, shift: 1 }, { backend: 'mock', mock: MOCK, seed: 1 });
    model.layers[0].weight[5] = 500;
    model.layers[1].weight[3] = -80;
    const logits = engine.forward(model, new Float32Array(784).fill(31), 1, null);
    expect(logits.every(Number.isFinite)).toBe(true);
    expect(model.layers[0].weight[5]).toBe(WEIGHT_MAX);
    expect(model.layers[1].weight[3]).toBe(-WEIGHT_MAX);
  });
  it('predict() refuses drawn pixel values outside 0..1 before they become inputs outside 0…31', () => {
    const model = buildModel({ hidden: 8, layers: 1, shift: 1 }, { backend: 'mock', mock: MOCK, seed: 1 });
    const image = new Float32Array(784);
    image[10] = 1.2;
    expect(() => predict(model, image, null)).toThrow(/image values must lie in 0\.\.1, got 1\.2.* index 10/);
  });
});

describe('a range error in the notebook shows in the cell that caused it, and in its dependants', () => {
  let notebook: Notebook;
  const host: Host = {
    kind: 'node',
    view: (spec) => new HeadlessView(spec.default),
    loadDataset: () => Promise.reject(new Error('no dataset in this test')),
    tfBackend: () => Promise.resolve('none'),
    runTraining: () => {
      throw new Error('no training in this test');
    },
  };
  beforeAll(() => {
    const overRange = new Float32Array(784).fill(0);
    overRange[400] = INPUT_MAX + 9;
    notebook = createNotebook([
      ...notebookCells,
      // A reader's cell: the model's forward on a hand-made input of 40 at one pixel.
      { name: 'handForward', inputs: ['model'], define: (model: HagenModel) => fastEngine.forward(model, overRange, 1, null) },
      { name: 'handTop', inputs: ['handForward'], define: (logits: Float32Array) => logits.indexOf(Math.max(...logits)) },
      // A reader's cell on the emulated chip: a weight of 64 in a hand-made matrix.
      { name: 'handChipMac', inputs: ['chipDevice'], define: (chip: ChipDevice) => chip.mac(inputs(1), 1, weights(64), K, N, 1) },
    ], host);
  });
  afterAll(() => notebook.dispose());

  const settled = (name: string) =>
    new Promise<{ value: unknown; error?: Error }>((resolve) => {
      const stop = notebook.observe(name, (value, error) => {
        stop();
        resolve({ value, error });
      });
    });

  it('the forward cell and its dependant are rejected with the input range error; the model cell is fine', async () => {
    await notebook.set('hidden', 16);
    const [forward, top, model] = await Promise.all([settled('handForward'), settled('handTop'), settled('model')]);
    expect(forward.error?.message).toMatch(INPUT_RANGE);
    expect(forward.error?.message).toMatch(/x\[400\] = 40/);
    expect(top.error?.message).toBe(forward.error?.message);
    expect(model.error).toBeUndefined();
    expect((model.value as HagenModel).layers[0].outFeatures).toBe(16);
  });

  it('the chip cell is rejected with the weight range error; the chip device it used still works', async () => {
    const [mac, device] = await Promise.all([settled('handChipMac'), settled('chipDevice')]);
    expect(mac.error?.message).toMatch(WEIGHT_RANGE);
    expect(device.error).toBeUndefined();
    const chip = device.value as ChipDevice;
    expect(chip.id).toBe(1);
    expect(chip.mac(inputs(1), 1, weights(63), K, N, 1)).toHaveLength(N);
  });
});
