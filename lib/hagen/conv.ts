/**
 * hxtorch.perceptron.nn.Conv2d in mock mode (src/hxtorch/perceptron/detail/conv.cpp): the image is
 * viewed as its kernel×kernel patches (im2col, no padding, dilation 1, one input channel) and the
 * patches go through the same MAC as a Linear layer — `matmul(patches[B·P, k²], Wᵀ[k², C], num_sends)`,
 * so input rounding and range check, the weight clamp, 128-row chunks, noise per output, gain and
 * the 8-bit ADC are mac.ts's rules, applied once per (image, position). The result is moved to
 * [B, C, oh, ow] (channel-major), as torch's flatten then feeds it to the dense layers.
 *
 * One deliberate difference: hxtorch adds a Conv2d's bias with a float `add`, we use Linear's digital
 * bias add (lib/hagen/add.ts). After the ConvertingReLU that follows, both give the same values unless
 * |bias| ≥ 128; only the ReLU's gradient mask can differ, where 0 < mac + bias < 1.
 */
import type { Rng } from '../random';
import { linearForward } from './linear';
import type { ConvGeometry, LayerParams, MockParameter } from './types';

export const IMAGE_SIDE = 28;

function checkGeometry(g: ConvGeometry): void {
  for (const key of ['height', 'width', 'kernel', 'stride'] as const) {
    const v = g[key];
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`convolution ${key} must be a positive integer, got ${v}`);
  }
  if (g.kernel > g.height || g.kernel > g.width) {
    throw new RangeError(`convolution kernel ${g.kernel} is larger than the ${g.height}×${g.width} input (hxtorch: "Kernel size can't be greater than actual input size")`);
  }
}

/** Output positions along one side: floor((size − kernel) / stride) + 1 (hxtorch conv1d_output_size, dilation 1). */
export function convOutputSide(size: number, kernel: number, stride: number): number {
  return Math.floor((size - kernel) / stride) + 1;
}

/** Output positions of the convolution: oh · ow. */
export function convPositions(g: ConvGeometry): number {
  checkGeometry(g);
  return convOutputSide(g.height, g.kernel, g.stride) * convOutputSide(g.width, g.kernel, g.stride);
}

/** Values a layer takes per sample: the image for a convolution, else inFeatures. */
export function layerInputSize(layer: LayerParams): number {
  return layer.conv ? layer.conv.height * layer.conv.width : layer.inFeatures;
}

/** Values a layer gives per sample: channels · positions for a convolution, else outFeatures. */
export function layerOutputSize(layer: LayerParams): number {
  return layer.conv ? layer.outFeatures * convPositions(layer.conv) : layer.outFeatures;
}

/**
 * im2col: patches[(b·P + p)·k² + ky·k + kx] = x[b, oy·s + ky, ox·s + kx] with p = oy·ow + ox — the
 * order of hxtorch's strided view flattened over (kernel rows, kernel columns), which is also the
 * order of the weight [C, 1, k, k] flattened to [C, k²].
 */
export function unfoldPatches<T extends Float32Array | Uint8Array>(x: T, batch: number, g: ConvGeometry, out?: T): T {
  const { height, width } = g;
  const gather = patchGather(g);
  if (x.length !== batch * height * width) throw new RangeError(`convolution input has ${x.length} values, expected batch·${height}·${width} = ${batch * height * width}`);
  const size = gather.length;
  const patches = (out ?? new (x.constructor as { new (n: number): T })(batch * size)) as T;
  if (patches.length !== batch * size) throw new RangeError(`unfoldPatches: out must hold ${batch * size} values, got ${patches.length}`);
  // one monomorphic loop per array type (a loop over the union type runs ~10× slower in V8)
  if (x instanceof Uint8Array) gatherBytes(x, batch, height * width, gather, patches as Uint8Array);
  else gatherFloats(x as Float32Array, batch, height * width, gather, patches as Float32Array);
  return patches;
}

const gathers = new Map<string, Int32Array>();

/** For one image: the pixel index of every patch entry, in unfoldPatches' order (cached per geometry). */
function patchGather(g: ConvGeometry): Int32Array {
  checkGeometry(g);
  const key = `${g.height},${g.width},${g.kernel},${g.stride}`;
  let gather = gathers.get(key);
  if (!gather) {
    const { width, kernel, stride } = g;
    const oh = convOutputSide(g.height, kernel, stride), ow = convOutputSide(width, kernel, stride);
    gather = new Int32Array(oh * ow * kernel * kernel);
    let at = 0;
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        for (let ky = 0; ky < kernel; ky++) for (let kx = 0; kx < kernel; kx++) gather[at++] = (oy * stride + ky) * width + ox * stride + kx;
      }
    }
    gathers.set(key, gather);
  }
  return gather;
}

function gatherBytes(x: Uint8Array, batch: number, imageSize: number, gather: Int32Array, out: Uint8Array): void {
  const size = gather.length;
  for (let b = 0, at = 0; b < batch; b++) {
    const base = b * imageSize;
    for (let j = 0; j < size; j++) out[at++] = x[base + gather[j]];
  }
}

function gatherFloats(x: Float32Array, batch: number, imageSize: number, gather: Int32Array, out: Float32Array): void {
  const size = gather.length;
  for (let b = 0, at = 0; b < batch; b++) {
    const base = b * imageSize;
    for (let j = 0; j < size; j++) out[at++] = x[base + gather[j]];
  }
}

/** [B·P, C] (one row per image and position) → [B, C·P] channel-major, torch's [B, C, oh, ow] flattened. */
export function positionsToChannels<T extends Float32Array | Int32Array | Float64Array>(rows: ArrayLike<number>, batch: number, positions: number, channels: number, out: T): T {
  if (rows.length !== batch * positions * channels || out.length !== rows.length) {
    throw new RangeError(`positionsToChannels: expected ${batch * positions * channels} values in and out, got ${rows.length} and ${out.length}`);
  }
  for (let b = 0; b < batch; b++) {
    const base = b * positions * channels;
    for (let p = 0; p < positions; p++) {
      const row = base + p * channels;
      for (let c = 0; c < channels; c++) out[base + c * positions + p] = rows[row + c];
    }
  }
  return out;
}

/** The inverse: [B, C·P] channel-major → [B·P, C] (the gradient back to the patch rows). */
export function channelsToPositions<T extends Float32Array | Float64Array>(flat: ArrayLike<number>, batch: number, positions: number, channels: number, out: T): T {
  if (flat.length !== batch * positions * channels || out.length !== flat.length) {
    throw new RangeError(`channelsToPositions: expected ${batch * positions * channels} values in and out, got ${flat.length} and ${out.length}`);
  }
  for (let b = 0; b < batch; b++) {
    const base = b * positions * channels;
    for (let c = 0; c < channels; c++) {
      const from = base + c * positions;
      for (let p = 0; p < positions; p++) out[base + p * channels + c] = flat[from + p];
    }
  }
  return out;
}

/**
 * The convolution layer's forward in mock mode: Linear's rules (linear.ts: weight clamp in place, MAC
 * on the patches with Wᵀ, digital bias add) on [B·P, k²], then moved to [B, C·P].
 */
export function mockConvForward(layer: LayerParams, x: Float32Array, batch: number, mock: MockParameter, rng: Rng | null): Float32Array {
  if (!layer.conv) throw new Error('mockConvForward: the layer has no convolution geometry (layer.conv)');
  const positions = convPositions(layer.conv);
  const rows = linearForward({ ...layer, conv: undefined }, unfoldPatches(x, batch, layer.conv), batch * positions, mock, rng);
  return positionsToChannels(rows, batch, positions, layer.outFeatures, new Float32Array(rows.length));
}

/** Throws unless a model with a convolution in front is consistent (engines call this before their own work). */
export function checkConvModel(layers: readonly LayerParams[]): void {
  layers.forEach((layer, i) => {
    if (layer.conv && i > 0) throw new Error(`layer ${i} is a convolution; only the first layer may be one`);
  });
  const first = layers[0];
  if (!first?.conv) return;
  const positions = convPositions(first.conv);
  if (first.inFeatures !== first.conv.kernel * first.conv.kernel) {
    throw new Error(`the convolution's inFeatures is ${first.inFeatures}; expected kernel² = ${first.conv.kernel ** 2}`);
  }
  if (first.weight.length !== first.inFeatures * first.outFeatures) throw new Error(`the convolution's weight has ${first.weight.length} values; expected channels·kernel² = ${first.inFeatures * first.outFeatures}`);
  if (first.bias.length !== first.outFeatures) throw new Error(`the convolution's bias has ${first.bias.length} values; expected channels = ${first.outFeatures}`);
  if (layers.length < 2) throw new Error('a convolution needs at least one dense layer after it');
  if (layers[1].inFeatures !== first.outFeatures * positions) {
    throw new Error(`layer 1 expects ${layers[1].inFeatures} inputs but the convolution gives channels·positions = ${first.outFeatures}·${positions} = ${first.outFeatures * positions}`);
  }
}
