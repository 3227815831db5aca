/**
 * The bad hyperparameter values every entry point must refuse (issue 7): zero/negative/huge/non-integer
 * widths and epochs, NaN/Infinity/negative learning rates, unknown backends, gain outside (0, 1],
 * negative noise. `raw` is how the value arrives as text (URL, CLI, typed into a control); `value` is the
 * typed value (set(), assigning a control's `.value`).
 */
import type { ParamName } from '../../lib/params';

export interface BadParam {
  name: ParamName;
  raw: string;
  value: unknown;
}

export const BAD_PARAMS: readonly BadParam[] = [
  { name: 'hidden', raw: '0', value: 0 },
  { name: 'hidden', raw: '-5', value: -5 },
  { name: 'hidden', raw: '100000', value: 100000 },
  { name: 'hidden', raw: '2.5', value: 2.5 },
  { name: 'layers', raw: '0', value: 0 },
  { name: 'epochs', raw: '0', value: 0 },
  { name: 'epochs', raw: '-1', value: -1 },
  { name: 'epochs', raw: '1e9', value: 1e9 },
  { name: 'epochs', raw: '1.5', value: 1.5 },
  { name: 'batchSize', raw: '0', value: 0 },
  { name: 'trainSize', raw: '1000000', value: 1000000 },
  { name: 'lr', raw: 'NaN', value: NaN },
  { name: 'lr', raw: 'Infinity', value: Infinity },
  { name: 'lr', raw: '-0.1', value: -0.1 },
  { name: 'lr', raw: '0', value: 0 },
  { name: 'backend', raw: 'quantum', value: 'quantum' },
  { name: 'backend', raw: 'MOCK', value: 'MOCK' },
  { name: 'gain', raw: '0', value: 0 },
  { name: 'gain', raw: '-0.002', value: -0.002 },
  { name: 'gain', raw: '1.5', value: 1.5 },
  { name: 'noise', raw: '-1', value: -1 },
  { name: 'noise', raw: '-Infinity', value: -Infinity },
];

/** A valid, non-default value per parameter the table touches: the "last good state" before the bad value. */
export const GOOD_VALUE: Partial<Record<ParamName, unknown>> = {
  hidden: 64, layers: 1, epochs: 2, batchSize: 100, trainSize: 1000, lr: 0.5, backend: 'ideal', gain: 0.004, noise: 1,
};

/** What every refusal must say: the parameter's name and the allowed values. */
export function refusalPattern(name: string): RegExp {
  return new RegExp(`"${name}".*allowed is`);
}
