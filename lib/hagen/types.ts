/**
 * Shared hagen-mode types (DESIGN.md "Shared types"). `ChipDevice` is a structural copy of the
 * interface lib/chip implements, so this folder compiles without depending on the chip emulation.
 */
import type { Rng } from '../random';

/** hxtorch's MockParameter: the statistical summary of a chip that the mock MAC uses. */
export interface MockParameter { noiseStd: number; gain: number }

export type Backend = 'mock' | 'ideal' | 'chip';
export const BACKENDS: readonly Backend[] = ['mock', 'ideal', 'chip'];

export interface LayerParams {
  inFeatures: number;
  outFeatures: number;
  /** How often each input vector is sent; only multiplies the gain in the mock. */
  numSends: number;
  /** [out, in] row-major, like torch. */
  weight: Float32Array;
  /** [out] */
  bias: Float32Array;
  /**
   * Set on a convolution (lib/hagen/conv.ts, only as layer 0): the layer is the same MAC applied to
   * every kernel×kernel patch of the height×width image (inFeatures = kernel², outFeatures = channels);
   * its output, channel-major as torch flattens [B, C, oh, ow], has outFeatures · positions values.
   */
  conv?: ConvGeometry;
}

/** A one-channel image convolution without padding: positions = ((height−kernel)/stride + 1) · ((width−kernel)/stride + 1), floored. */
export interface ConvGeometry { height: number; width: number; kernel: number; stride: number }

export interface HagenModel { layers: LayerParams[]; shift: number; backend: Backend; mock: MockParameter }

/** `layers` = number of hidden layers; `conv` > 0: a convolution with that many channels in front (kernel/stride: convKernel/convStride). */
export interface ModelConfig { hidden: number; layers: number; shift: number; conv?: number; convKernel?: number; convStride?: number }

export interface ChipDevice {
  id: number;
  calibrated: boolean;
  mac(x: Float32Array, batch: number, w: Float32Array /* [K,N] */, k: number, n: number, numSends: number): Float32Array;
  chipTimeSeconds(x: Float32Array, batch: number, k: number, numSends: number): number;
}

export interface LayerGrads { weight: Float32Array /* [out, in] */; bias: Float32Array /* [out] */ }

export interface TrainStepResult {
  /** mean cross-entropy / 64, the tutorial's loss */
  loss: number;
  logits: Float32Array;
  grads: LayerGrads[];
}

/**
 * Mock noise drawn ahead of time on another thread (lib/train/helper/noiseAhead.ts). Every mock layer seeds a
 * NormalSource (lib/hagen/fast/normal.ts) from four `rng.uint32()` draws; a supply holds the values
 * such sources give, keyed by those four draws, so using it changes no result.
 */
export interface NoiseSupply {
  /**
   * Write the first `target.length` values · `std` of the source seeded with `seed` (4 draws) into
   * `target` and return true, if this supply holds exactly them; false: the caller draws them itself.
   */
  take(seed: Int32Array, std: number, target: Float32Array): boolean;
}

/**
 * Images as the network input without a float copy: x[i] = pixels[i] · scale (binarised MNIST · 31
 * in the tutorial), scale an integer 1…31. Engines treat it as that Float32Array (lib/hagen/input.ts);
 * the fast engine lists the non-zero pixels straight from the bytes.
 */
export interface ScaledPixels { pixels: Uint8Array; scale: number }

/** The first layer's input [batch, in]: floats (0…31 after rounding, except for 'ideal'), or scaled pixels. */
export type NetworkInput = Float32Array | ScaledPixels;

export interface HagenEngine {
  name: string;
  /** Whether forward/trainStep use a `noise` supply (others ignore it and draw every value from `rng`). */
  usesNoiseSupply?: boolean;
  forward(model: HagenModel, x: NetworkInput, batch: number, rng: Rng | null, chip?: ChipDevice, noise?: NoiseSupply): Float32Array;
  trainStep(model: HagenModel, x: NetworkInput, labels: Uint8Array, batch: number, rng: Rng | null, chip?: ChipDevice, noise?: NoiseSupply): TrainStepResult;
  dispose?(): void;
}
