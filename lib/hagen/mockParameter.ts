import { DEFAULT_MOCK } from './constants';
import type { MockParameter } from './types';

/**
 * hxtorch's MockParameter, validated like hxtorch does: 0 < gain ≤ 1, noiseStd ≥ 0 (0 switches noise off).
 * Throws a RangeError naming the field and the allowed values.
 */
export function mockParameter(noiseStd: number = DEFAULT_MOCK.noiseStd, gain: number = DEFAULT_MOCK.gain): MockParameter {
  if (typeof noiseStd !== 'number' || !Number.isFinite(noiseStd) || noiseStd < 0) {
    throw new RangeError(`mock parameter noiseStd must be a finite number >= 0, got ${noiseStd}`);
  }
  if (typeof gain !== 'number' || !Number.isFinite(gain) || gain <= 0 || gain > 1) {
    throw new RangeError(`mock parameter gain must be a finite number with 0 < gain <= 1, got ${gain}`);
  }
  return { noiseStd, gain };
}

/** Validate an existing MockParameter object (e.g. one carried inside a model). */
export function checkMockParameter(mock: MockParameter): MockParameter {
  return mockParameter(mock.noiseStd, mock.gain);
}
