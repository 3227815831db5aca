/** The tutorial's network: 784 → hidden × layers (ConvertingReLU(shift) between) → 10, no activation after. */
import { Rng } from '../random';
import { initLayer } from './init';
import { checkMockParameter } from './mockParameter';
import { IMAGE_SIDE, layerOutputSize } from './conv';
import { BACKENDS, type Backend, type HagenModel, type LayerParams, type MockParameter, type ModelConfig } from './types';

/** hxtorch's MNIST example: Conv2d(1, 20, kernel_size=10, stride=5) → 4×4 positions. */
const DEFAULT_CONV_KERNEL = 10;
const DEFAULT_CONV_STRIDE = 5;

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
  const conv = config.conv ?? 0;
  checkInt('conv', conv, 0, 256);
  // hxtorch's Linear and Conv2d call reset_parameters() with its default relu_shift = 1, whatever the model's shift.
  if (conv > 0) {
    // Conv2d(1, conv, kernel, stride) → ConvertingReLU → flatten → the dense layers (fan-in of the kernel: kernel²).
    const kernel = config.convKernel ?? DEFAULT_CONV_KERNEL, stride = config.convStride ?? DEFAULT_CONV_STRIDE;
    checkInt('convKernel', kernel, 1, IMAGE_SIDE);
    checkInt('convStride', stride, 1, IMAGE_SIDE);
    const geometry = { height: IMAGE_SIDE, width: IMAGE_SIDE, kernel, stride };
    const convLayer: LayerParams = { ...initLayer(kernel * kernel, conv, mock.gain, Rng.derive(opts.seed, 'init/conv')), conv: geometry };
    const widths = [layerOutputSize(convLayer), ...Array<number>(config.layers).fill(config.hidden), OUTPUT_CLASSES];
    const dense = widths.slice(1).map((out, i) => initLayer(widths[i], out, mock.gain, Rng.derive(opts.seed, `init/layer${i}`)));
    return { layers: [convLayer, ...dense], shift: config.shift, backend: opts.backend, mock: { ...mock } };
  }
  const widths = [INPUT_FEATURES, ...Array<number>(config.layers).fill(config.hidden), OUTPUT_CLASSES];
  const layers = widths.slice(1).map((out, i) => initLayer(widths[i], out, mock.gain, Rng.derive(opts.seed, `init/layer${i}`)));
  return { layers, shift: config.shift, backend: opts.backend, mock: { ...mock } };
}

/** A deep copy (weights are mutated in place by training and by the forward's weight clamp). */
export function cloneModel(model: HagenModel): HagenModel {
  return {
    layers: model.layers.map((l) => ({ ...l, weight: Float32Array.from(l.weight), bias: Float32Array.from(l.bias), ...(l.conv ? { conv: { ...l.conv } } : {}) })),
    shift: model.shift,
    backend: model.backend,
    mock: { ...model.mock },
  };
}

/** The model config for `hidden` with the other architecture settings (conv 0: no convolution; kernel and stride then do not matter). */
export function sweepModelConfig(hidden: number, p: { layers: number; shift: number; conv?: number; convKernel?: number; convStride?: number }): ModelConfig {
  return p.conv ? { hidden, layers: p.layers, shift: p.shift, conv: p.conv, convKernel: p.convKernel, convStride: p.convStride } : { hidden, layers: p.layers, shift: p.shift };
}
