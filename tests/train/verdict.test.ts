import { describe, expect, it } from 'vitest';
import { learningVerdict } from '../../lib/train/verdict';

const tutorial = { lr: 0.25, labelNoise: 0, trainSize: 60000, hidden: 256 };

describe('learningVerdict', () => {
  it('a run at chance did not learn; the likely cause comes from the settings', () => {
    expect(learningVerdict(0.97, tutorial)).toEqual({ learning: true });
    expect(learningVerdict(0.098, { ...tutorial, lr: 10 })).toEqual({ learning: false, cause: 'lrTooHigh' });
    expect(learningVerdict(0.11, { ...tutorial, lr: 0.0001 })).toEqual({ learning: false, cause: 'lrTooLow' });
    expect(learningVerdict(0.1, { ...tutorial, labelNoise: 0.9 })).toEqual({ learning: false, cause: 'labelNoise' });
    expect(learningVerdict(0.1, tutorial)).toEqual({ learning: false, cause: 'unknown' });
    expect(learningVerdict(0.129, { ...tutorial, trainSize: 600, batchSize: 50, epochs: 1 })).toEqual({ learning: false, cause: 'tooShort' }); // 12 steps
    expect(() => learningVerdict(NaN, tutorial)).toThrow(/testAccuracy/);
  });
});
