/**
 * Consecutive full trainings with the tutorial's settings (hidden 256 × 2, lr 0.25, batch 200, crop, all
 * 60 000 images, 4 epochs) in one headless notebook: tensor count and memory after each run.
 * STRESS_RUNS (default 20) and STRESS_EPOCHS (default 4) shorten it.
 */
import { consecutiveTrainings } from '../tests/reliability/headlessStress';

function positiveIntFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return value;
}

export default async function stressBench(): Promise<Record<string, unknown>> {
  const runs = positiveIntFromEnv('STRESS_RUNS', 20);
  const epochs = positiveIntFromEnv('STRESS_EPOCHS', 4);
  const params = { hidden: 256, layers: 2, lr: 0.25, batchSize: 200, augment: 'crop', trainSize: 60000, epochs, backend: 'mock' };
  const result = await consecutiveTrainings(runs, params);
  const first = result.runs[0];
  const last = result.runs[result.runs.length - 1];
  return {
    config: { ...params, runs },
    statistic: 'after each run: forced GC, then tf.memory().numTensors and process.memoryUsage(); cpuSeconds = this process',
    baselineTensors: result.baselineTensors,
    maxTensorsAfterRun: result.maxTensorsAfterRun,
    rssMb: { first: first.rssMb, last: last.rssMb, max: Math.max(...result.runs.map((r) => r.rssMb)) },
    rssGrowthPeakLastWindowOverFirst: Number(result.rssGrowth.toFixed(3)),
    heapPlusBuffersGrowth: Number(result.heapGrowth.toFixed(3)),
    tfWasmMb: last.tfWasmMb,
    states: [...new Set(result.runs.map((r) => r.state))],
    testAccuracy: result.runs.map((r) => r.testAccuracy),
    secondsPerRun: result.runs.map((r) => Number(r.seconds.toFixed(1))),
    cpuSecondsPerRun: result.runs.map((r) => Number(r.cpuSeconds.toFixed(1))),
    perRun: result.runs,
  };
}
