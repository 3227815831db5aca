/** The tutorial's network: 784 → hidden × layers (ConvertingReLU(shift) between) → 10, no activation after. */
import { Rng } from '../random';
import { initLayer } from './init';
import { checkMockParameter } from './mockParameter';
import { BACKENDS, type Backend, type HagenModel, type MockParameter, type ModelConfig } from './types';

const INPUT_FEATURES = 784;
const OUTPUT_CLASSES = 10;

function checkInt(name: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`model config ${name} must be an integer from ${min} to ${max}, got ${v}`);
}

export function buildModel(config: ModelConfig, opts: { backend: Backend; mock: MockParameter; seed: number }): HagenModel {
  checkInt('hidden', config.hidden, 1, 4096);
  checkInt('layers', config.layers, 1, 16);
  checkInt('shift', config.shift, 0, 7);
  if (!BACKENDS.includes(opts.backend)) throw new RangeError(`backend must be one of ${BACKENDS.join(', ')}, got ${String(opts.backend)}`);
  if (!Number.isFinite(opts.seed)) throw new RangeError(`seed must be a finite number, got ${opts.seed}`);
  const mock = checkMockParameter(opts.mock);
  const widths = [INPUT_FEATURES, ...Array<number>(config.layers).fill(config.hidden), OUTPUT_CLASSES];
  // hxtorch's Linear calls reset_parameters() with its default relu_shift = 1, whatever the model's shift.
  const layers = widths.slice(1).map((out, i) => initLayer(widths[i], out, mock.gain, Rng.derive(opts.seed, `init/layer${i}`)));
  return { layers, shift: config.shift, backend: opts.backend, mock: { ...mock } };
}

/** A deep copy (weights are mutated in place by training and by the forward's weight clamp). */
export function cloneModel(model: HagenModel): HagenModel {
  return {
    layers: model.layers.map((l) => ({ ...l, weight: Float32Array.from(l.weight), bias: Float32Array.from(l.bias) })),
    shift: model.shift,
    backend: model.backend,
    mock: { ...model.mock },
  };
}
