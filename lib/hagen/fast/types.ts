/**
 * Structural copies of the shared types from DESIGN.md that the fast engine needs. They are kept
 * here so this folder compiles on its own while lib/hagen and lib/chip are being written; because
 * TypeScript types are structural, a `HagenModel` or `ChipDevice` from those modules fits these.
 */
import type { Rng } from '../../random';

export interface MockParameter { noiseStd: number; gain: number }
export interface LayerParams {
  inFeatures: number;
  outFeatures: number;
  numSends: number;
  /** [out, in] row-major, like torch */
  weight: Float32Array;
  bias: Float32Array;
}
export type Backend = 'mock' | 'ideal' | 'chip';
export interface HagenModel { layers: LayerParams[]; shift: number; backend: Backend; mock: MockParameter }

export interface ChipDevice {
  id: number;
  calibrated: boolean;
  mac(x: Float32Array, batch: number, w: Float32Array /* [K,N] */, k: number, n: number, numSends: number): Float32Array;
  chipTimeSeconds(x: Float32Array, batch: number, k: number, numSends: number): number;
}

export interface TrainStepResult {
  /** mean cross-entropy / 64, as the tutorial's loss */
  loss: number;
  logits: Float32Array;
  /** per layer, same layouts as the layer's weight [out, in] and bias [out] */
  grads: { weight: Float32Array; bias: Float32Array }[];
}

export interface HagenEngine {
  name: string;
  forward(model: HagenModel, x: Float32Array, batch: number, rng: Rng | null, chip?: ChipDevice): Float32Array;
  trainStep(model: HagenModel, x: Float32Array, labels: Uint8Array, batch: number, rng: Rng | null, chip?: ChipDevice): TrainStepResult;
  dispose?(): void;
}
