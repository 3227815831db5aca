/** The lib/hagen model types the model file reads and writes, plus the fixed MNIST shape. */
export type { Backend as HagenBackend, HagenModel, LayerParams, MockParameter } from '../hagen/types';
export { BACKENDS as HAGEN_BACKENDS } from '../hagen/types';

/** 28×28 pixels in, one logit per digit out. */
export const MODEL_INPUTS = 784;
export const MODEL_OUTPUTS = 10;
