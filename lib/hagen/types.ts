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
}

export interface HagenModel { layers: LayerParams[]; shift: number; backend: Backend; mock: MockParameter }

/** `layers` = number of hidden layers. */
export interface ModelConfig { hidden: number; layers: number; shift: number }

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

export interface HagenEngine {
  name: string;
  forward(model: HagenModel, x: Float32Array /* B*in, 0..31 */, batch: number, rng: Rng | null, chip?: ChipDevice): Float32Array;
  trainStep(model: HagenModel, x: Float32Array, labels: Uint8Array, batch: number, rng: Rng | null, chip?: ChipDevice): TrainStepResult;
  dispose?(): void;
}
