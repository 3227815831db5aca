/** The shared hagen types (lib/hagen/types.ts), re-exported for the fast engine's modules. */
export type { Backend, ChipDevice, HagenEngine, HagenModel, LayerParams, MockParameter, TrainStepResult } from '../types';
