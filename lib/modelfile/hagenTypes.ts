/**
 * The model types of DESIGN.md "Shared types" (lib/hagen), restated structurally so the model file
 * code does not wait on lib/hagen. TypeScript compares structurally, so a lib/hagen HagenModel is
 * accepted wherever this one is asked for (and vice versa). Keep in step with DESIGN.md.
 */
export type HagenBackend = 'mock' | 'ideal' | 'chip';
export const HAGEN_BACKENDS: readonly HagenBackend[] = ['mock', 'ideal', 'chip'];

export interface MockParameter {
  noiseStd: number;
  gain: number;
}
export interface LayerParams {
  inFeatures: number;
  outFeatures: number;
  numSends: number;
  /** [out, in] row-major, like torch. */
  weight: Float32Array;
  /** [out] */
  bias: Float32Array;
}
export interface HagenModel {
  layers: LayerParams[];
  shift: number;
  backend: HagenBackend;
  mock: MockParameter;
}

export const MODEL_INPUTS = 784;
export const MODEL_OUTPUTS = 10;
