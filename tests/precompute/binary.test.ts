/** The compact precomputed run (lib/precompute/binary.ts): exact for every prediction, small, and refused with its reason when damaged. */
import { describe, expect, it } from 'vitest';
import { fastEngine } from '../../lib/hagen/fast/index';
import { referenceEngine } from '../../lib/hagen/engine';
import { buildModel } from '../../lib/hagen/model';
import type { HagenModel } from '../../lib/hagen/types';
import { defaultParams } from '../../lib/params';
import { crc32, decodeTrainingRun, encodeTrainingRun, type TrainingRun } from '../../lib/precompute/binary';
import { relevantParams } from '../../lib/precompute/files';
import { Rng } from '../../lib/random';

/** A model whose weights look trained: spread beyond ±63 (clamped by the forward pass) and with exact .5 values (rounded half to even). */
function trainedLooking(backend: HagenModel['backend'] = 'mock'): HagenModel {
  const model = buildModel({ hidden: 64, layers: 2, shift: 1 }, { backend, mock: { noiseStd: 2, gain: 0.002 }, seed: 3 });
  const rng = new Rng(9);
  for (const layer of model.layers) {
    for (let i = 0; i < layer.weight.length; i++) layer.weight[i] = i % 97 === 0 ? (i % 2 ? 2.5 : -3.5) : rng.normal() * 40;
    for (let i = 0; i < layer.bias.length; i++) layer.bias[i] = rng.normal() * 5;
  }
  return model;
}

function run(model: HagenModel): TrainingRun {
  const confusion = Array.from({ length: 10 }, (_, t) => Array.from({ length: 10 }, (_, p) => (t === p ? 90 : 1)));
  return {
    params: relevantParams('training', defaultParams()), losses: [2.3, 1.1, Number.NaN, 0.7], batchesPerEpoch: 4,
    epochs: [{ epoch: 1, trainLoss: 0.9, trainAccuracy: 0.8, testAccuracy: 0.85, seconds: 3.5, backend: 'mock', confusion }],
    model,
  };
}

function images(count: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: count * 784 }, () => (rng.next() < 0.2 ? 31 : 0));
}

describe('precomputed run, binary form', () => {
  it('crc32 is the IEEE checksum of gzip', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('a mock model comes back with the integers every forward pass uses: the same logits, bit for bit, on both engines', () => {
    const model = trainedLooking();
    const bytes = encodeTrainingRun(run(model));
    const back = decodeTrainingRun(bytes, 'x.bin');
    expect(back.params).toEqual(run(model).params);
    expect(back.losses).toEqual([2.3, 1.1, Number.NaN, 0.7]);
    expect(back.epochs).toEqual(run(model).epochs);
    expect(back.model.layers.map((l) => [l.inFeatures, l.outFeatures, l.numSends])).toEqual(model.layers.map((l) => [l.inFeatures, l.outFeatures, l.numSends]));
    for (const layer of back.model.layers) for (const w of layer.weight) expect(Number.isInteger(w) && Math.abs(w) <= 63).toBe(true);
    expect(back.model.layers[0].weight[97]).toBe(2); // 2.5 rounds half to even
    const x = images(50, 4);
    for (const engine of [fastEngine, referenceEngine]) {
      const original = Array.from(engine.forward(structuredClone(model), x, 50, new Rng(5)));
      expect(Array.from(engine.forward(back.model, x, 50, new Rng(5)))).toEqual(original);
    }
    // One byte per weight plus the float biases and a small header.
    const weights = model.layers.reduce((sum, l) => sum + l.weight.length, 0);
    expect(bytes.length).toBeLessThan(weights + 4 * 200 + 4000);
  });

  it('keeps float weights for the backends that do not round half to even (ideal, chip)', () => {
    const model = trainedLooking('ideal');
    const back = decodeTrainingRun(encodeTrainingRun(run(model)), 'x.bin');
    expect(Array.from(back.model.layers[1].weight)).toEqual(Array.from(model.layers[1].weight));
  });

  it('refuses a damaged file with its reason, naming it', () => {
    const bytes = encodeTrainingRun(run(trainedLooking()));
    const flipped = bytes.slice();
    flipped[bytes.length - 1000] ^= 0x10;
    expect(() => decodeTrainingRun(flipped, 'training-1.bin')).toThrow(/precomputed\/training-1\.bin: checksum mismatch .*damaged/);
    expect(() => decodeTrainingRun(bytes.subarray(0, bytes.length - 7), 't.bin')).toThrow(/truncated or damaged download/);
    expect(() => decodeTrainingRun(new TextEncoder().encode('{"format":"ziffern-precomputed"} and more text'), 't.bin')).toThrow(/does not start with "ZFTR"/);
    const newer = bytes.slice();
    newer[4] = 9;
    expect(() => decodeTrainingRun(newer, 't.bin')).toThrow(/format version 9 is not supported/);
    expect(() => decodeTrainingRun(new Uint8Array(3), 't.bin')).toThrow(/too short/);
  });
});
