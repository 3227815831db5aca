/** The chip's number ranges in hagen mode (hxtorch include/hxtorch/perceptron/constants.h). */
import type { MockParameter } from './types';

/** Inputs are 5-bit: integers 0 … 31. */
export const INPUT_MIN = 0;
export const INPUT_MAX = 31;
/** Weights are 6 bit plus sign (an excitatory/inhibitory row pair): −63 … 63. */
export const WEIGHT_MAX = 63;
/** The 8-bit ADC reads a signed difference to a baseline: −128 … 127. */
export const OUTPUT_MIN = -128;
export const OUTPUT_MAX = 127;
/** Signed input rows per hardware block; the mock adds noise and saturates per chunk of this many rows. */
export const ROWS_PER_CHUNK = 128;
/** hxtorch's default MockParameter. */
export const DEFAULT_MOCK: Readonly<MockParameter> = Object.freeze({ noiseStd: 2, gain: 0.002 });
/** ReLU's 8-bit output range before ConvertingReLU shifts it down to a 5-bit input. */
export const RELU_MAX = 127;
