/**
 * 20 consecutive full trainings headless (real MNIST, a small config so the battery stays quick; the
 * tutorial's config runs in bench/stress.bench.ts): every run finishes, the tfjs tensor count returns to its
 * baseline, and RSS and JS heap stay flat (at most +10 % from the first run to the last).
 */
import { describe, expect, it } from 'vitest';
import { consecutiveTrainings } from './headlessStress';

describe('20 consecutive trainings in one headless notebook', () => {
  it('finish, leak no tensors, and keep RSS and heap flat', async () => {
    const result = await consecutiveTrainings(20, { hidden: 32, epochs: 1, trainSize: 600, batchSize: 100, augment: 'crop' });
    console.log(`headless stress: baseline tensors ${result.baselineTensors}, after runs max ${result.maxTensorsAfterRun}; ` +
      `RSS ${result.runs[0].rssMb} → ${result.runs.at(-1)!.rssMb} MB (peak of last 5 / first 5 ×${result.rssGrowth.toFixed(3)}); ` +
      `heap+buffers ${result.runs[0].heapUsedMb}+${result.runs[0].arrayBuffersMb} → ${result.runs.at(-1)!.heapUsedMb}+${result.runs.at(-1)!.arrayBuffersMb} MB (×${result.heapGrowth.toFixed(3)}); ` +
      `RSS per run ${result.runs.map((r) => r.rssMb).join(' ')} MB; tf wasm ${result.runs.map((r) => r.tfWasmMb).join(' ')} MB; ${result.runs.map((r) => r.seconds.toFixed(2)).join(' ')} s per run`);
    expect(result.runs.map((r) => r.state)).toEqual(new Array(20).fill('done'));
    for (const run of result.runs) expect(run.testAccuracy).toBeGreaterThanOrEqual(0);
    expect(result.maxTensorsAfterRun).toBe(result.baselineTensors);
    expect(result.rssGrowth).toBeLessThanOrEqual(1.1);
    expect(result.heapGrowth).toBeLessThanOrEqual(1.1);
  }, 240_000);
});
