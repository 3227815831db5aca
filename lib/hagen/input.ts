/** The engines' input forms (types.ts NetworkInput): validation and the float form every engine understands. */
import { INPUT_MAX } from './constants';
import type { NetworkInput, ScaledPixels } from './types';

export function isScaledPixels(x: NetworkInput): x is ScaledPixels {
  return !(x instanceof Float32Array);
}

/** Throws unless `x` is batch · inFeatures floats, or that many pixels with an integer scale 1…31. */
export function checkNetworkInput(x: NetworkInput, batch: number, inFeatures: number): void {
  const expected = batch * inFeatures;
  if (x instanceof Float32Array) {
    if (x.length !== expected) throw new RangeError(`input x has ${x.length} values, expected batch·inFeatures = ${batch}·${inFeatures} = ${expected}`);
    return;
  }
  if (!x || typeof x !== 'object' || !(x.pixels instanceof Uint8Array)) {
    throw new TypeError(`input x must be a Float32Array or { pixels: Uint8Array, scale }, got ${x === null ? 'null' : typeof x}`);
  }
  if (!Number.isInteger(x.scale) || x.scale < 1 || x.scale > INPUT_MAX) throw new RangeError(`input x.scale is ${x.scale}; allowed are integers 1…${INPUT_MAX}`);
  if (x.pixels.length !== expected) throw new RangeError(`input x.pixels has ${x.pixels.length} values, expected batch·inFeatures = ${batch}·${inFeatures} = ${expected}`);
}

/** `x` as floats: itself, or pixels · scale in a new array (exact: integers below 2^13). */
export function networkInputFloats(x: NetworkInput): Float32Array {
  if (x instanceof Float32Array) return x;
  const { pixels, scale } = x;
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = pixels[i] * scale;
  return out;
}
