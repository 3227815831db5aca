import { describe, expect, it } from 'vitest';
import { formatSweepTable, sweepCsv } from '../../lib/sweep/format';
import type { SweepRow } from '../../lib/sweep/sweep';

const rows: SweepRow[] = [
  { hidden: 64, state: 'done', trainAccuracy: 0.9512, testAccuracy: 0.9401, trainLoss: 0.0123456, testLoss: 0.02, seconds: 12.34 },
  { hidden: 8, state: 'error', trainAccuracy: null, testAccuracy: null, trainLoss: null, testLoss: null, seconds: 0.5, error: 'diverged, "NaN" loss' },
  { hidden: 16, state: 'running', trainAccuracy: 0.5, testAccuracy: null, trainLoss: null, testLoss: null, seconds: 3, progress: 'epoch 1' },
];

describe('sweep formatting', () => {
  it('prints an aligned table in width order with pending widths', () => {
    expect(formatSweepTable([8, 16, 32, 64], rows)).toBe([
      'hidden  train acc  test acc  train loss  test loss  seconds  state',
      '     8          –         –           –          –      0.5  error: diverged, "NaN" loss',
      '    16     50.0 %         –           –          –      3.0  running (epoch 1)',
      '    32          –         –           –          –        –  pending',
      '    64     95.1 %    94.0 %      0.0123     0.0200     12.3  done',
      '',
    ].join('\n'));
  });

  it('writes CSV with full precision and quoted errors', () => {
    expect(sweepCsv([8, 32, 64], rows)).toBe([
      'hidden,state,trainAccuracy,testAccuracy,trainLoss,testLoss,seconds,error',
      '8,error,,,,,0.5,"diverged, ""NaN"" loss"',
      '32,pending,,,,,,',
      '64,done,0.9512,0.9401,0.0123456,0.02,12.34,',
      '',
    ].join('\n'));
  });
});
