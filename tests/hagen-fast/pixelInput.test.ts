import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../lib/random';
import { createFastEngine } from '../../lib/hagen/fast/index';
import { referenceEngine } from '../../lib/hagen/engine';
import { tfjsEngine } from '../../lib/hagen/tfjsEngine';
import { buildModel, cloneModel } from '../../lib/hagen/model';
import { mockParameter } from '../../lib/hagen/mockParameter';
import type { Backend, HagenEngine, ScaledPixels, TrainStepResult } from '../../lib/hagen/types';
import { useWasmBackend } from '../hagen/tfSetup';

beforeAll(useWasmBackend);

/**
 * The scaled-pixel input form ({ pixels, scale }: x = pixels · scale) gives every engine exactly what
 * the same values as floats give, and bad pixels or scales are refused naming the input.
 */
function pixelBatch(batch: number, seed: number, density = 0.15): { pixels: Uint8Array; labels: Uint8Array } {
  const rng = new Rng(seed);
  return {
    pixels: Uint8Array.from({ length: batch * 784 }, () => (rng.next() < density ? 1 : 0)),
    labels: Uint8Array.from({ length: batch }, () => rng.int(10)),
  };
}

const asFloats = ({ pixels, scale }: ScaledPixels) => Float32Array.from(pixels, (p) => p * scale);
/** Copies: the fast engine's results are views into buffers its next call reuses. */
const copied = (r: TrainStepResult) => ({ loss: r.loss, logits: Array.from(r.logits), grads: r.grads.map((g) => [Array.from(g.weight), Array.from(g.bias)]) });

describe('scaled pixels as the network input', () => {
  const fast = createFastEngine();
  const engines: [string, HagenEngine][] = [['fast', fast], ['reference', referenceEngine], ['tfjs', tfjsEngine]];
  // batch 3: the fast engine's small-batch path; 12 and 200: its workspace path
  const cases: [string, Backend, number, number][] = engines.flatMap(([name]) => [['mock', 12], ['mock', 3], ['ideal', 12]]
    .map(([backend, batch]) => [name, backend, batch, 31] as [string, Backend, number, number]));
  cases.push(['fast', 'mock', 200, 31], ['fast', 'mock', 12, 7]);

  it.each(cases)('%s engine, %s, batch %i, scale %i: same loss, logits and gradients as the floats', (name, backend, batch, scale) => {
    const engine = engines.find(([n]) => n === name)![1];
    const base = buildModel({ hidden: 40, layers: 2, shift: 1 }, { backend, mock: mockParameter(2, 0.002), seed: 8 });
    const { pixels, labels } = pixelBatch(batch, batch + scale);
    const input = { pixels, scale };
    const fromFloats = copied(engine.trainStep(cloneModel(base), asFloats(input), labels, batch, new Rng(3)));
    const fromPixels = copied(engine.trainStep(cloneModel(base), input, labels, batch, new Rng(3)));
    expect(fromPixels).toEqual(fromFloats);
    const forwardFloats = Array.from(engine.forward(cloneModel(base), asFloats(input), batch, new Rng(4)));
    expect(Array.from(engine.forward(cloneModel(base), input, batch, new Rng(4)))).toEqual(forwardFloats);
  });

  it('the fast engine with pixels equals the reference engine with floats (noise on, tutorial shape)', () => {
    const base = buildModel({ hidden: 256, layers: 2, shift: 1 }, { backend: 'mock', mock: mockParameter(2, 0.002), seed: 2 });
    const { pixels, labels } = pixelBatch(200, 5);
    const input = { pixels, scale: 31 };
    const ref = referenceEngine.trainStep(cloneModel(base), asFloats(input), labels, 200, new Rng(9));
    const step = fast.trainStep(cloneModel(base), input, labels, 200, new Rng(9));
    expect(Array.from(step.logits)).toEqual(Array.from(ref.logits));
    expect(step.loss).toBe(ref.loss);
  });

  it.each(engines)('%s engine: a pixel above 31 / scale is refused naming the input', (_name, engine) => {
    const model = buildModel({ hidden: 16, layers: 1, shift: 1 }, { backend: 'mock', mock: mockParameter(2, 0.002), seed: 1 });
    for (const batch of [3, 12]) {
      const { pixels } = pixelBatch(batch, 4);
      pixels[5 * 784 % pixels.length + 9] = 2;
      // (the fast engine's small-batch path names the value as x[index])
      expect(() => engine.forward(cloneModel(model), { pixels, scale: 31 }, batch, null)).toThrow(/(input value|x\[\d+\] =) 62 .*0(\.\.|…)31/);
      expect(() => engine.forward(cloneModel(model), { pixels, scale: 15 }, batch, null)).not.toThrow(); // 2 · 15 = 30 is allowed
    }
  });

  it.each(engines)('%s engine: refuses a bad scale or pixel count naming x', (_name, engine) => {
    const model = buildModel({ hidden: 16, layers: 1, shift: 1 }, { backend: 'mock', mock: mockParameter(2, 0.002), seed: 1 });
    const { pixels } = pixelBatch(12, 4);
    for (const scale of [0, 32, 2.5, NaN]) {
      expect(() => engine.forward(model, { pixels, scale }, 12, null)).toThrow(/x\.scale is .*integers 1…31/);
    }
    expect(() => engine.forward(model, { pixels: pixels.subarray(1), scale: 31 }, 12, null)).toThrow(/x\.pixels has 9407 values, expected .* 9408/);
    expect(() => engine.forward(model, { pixels: Array.from(pixels), scale: 31 } as unknown as ScaledPixels, 12, null)).toThrow(/x must be a Float32Array or \{ pixels: Uint8Array/);
  });
});
