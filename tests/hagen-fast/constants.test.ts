import { describe, expect, it } from 'vitest';
import * as shared from '../../lib/hagen/constants';
import * as fast from '../../lib/hagen/fast/kernels';

describe('the fast kernels use the chip constants of lib/hagen/constants.ts', () => {
  it('keeps its local copies equal to them', () => {
    for (const name of ['INPUT_MAX', 'WEIGHT_MAX', 'OUTPUT_MIN', 'OUTPUT_MAX', 'ROWS_PER_CHUNK'] as const) {
      expect(fast[name], name).toBe(shared[name]);
    }
  });
});
