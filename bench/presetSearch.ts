/** Training one configuration of the recommended-model search in Node (bench/presetSearch.run.ts, bench/presets.bench.ts). */
import { DEFAULT_MOCK } from '../lib/hagen/constants';
import { buildModel } from '../lib/hagen/model';
import { nodeAugmentThread } from '../lib/host/node';
import { loadMnistNode } from '../lib/host/node-data';
import type { Dataset } from '../lib/data/types';
import type { AugmentMode } from '../lib/data/augment';
import { trainModel, type LrSchedule } from '../lib/train/train';

export interface SearchConfig {
  hidden?: number; layers?: number; shift?: number; conv?: number; convKernel?: number; convStride?: number;
  lr?: number; lrSchedule?: LrSchedule; epochs?: number; batchSize?: number; augment?: AugmentMode; noise?: number; gain?: number;
}

export interface SearchResult {
  config: Required<SearchConfig>;
  seed: number;
  /** test accuracy after every epoch */
  accuracies: number[];
  /** training accuracy during every epoch (on the augmented batches, noise on) */
  trainAccuracies: number[];
  final: number;
  best: number;
  /** training + test passes, wall clock (Node, this machine) */
  seconds: number;
  /** CPU time of the whole process (both threads): less sensitive than wall time to the other jobs on this shared machine */
  cpuSeconds: number;
  epochSeconds: number[];
  state: string;
  date: string;
}

const TUTORIAL: Required<SearchConfig> = { hidden: 256, layers: 2, shift: 1, conv: 0, convKernel: 10, convStride: 5, lr: 0.25, lrSchedule: 'constant', epochs: 4, batchSize: 200, augment: 'crop', noise: DEFAULT_MOCK.noiseStd, gain: DEFAULT_MOCK.gain };

let data: Promise<Dataset> | null = null;

export async function trainConfig(partial: SearchConfig, seed: number, log: (line: string) => void = () => {}): Promise<SearchResult> {
  const config = { ...TUTORIAL, ...partial };
  data ??= loadMnistNode();
  const dataset = await data;
  const model = buildModel({ hidden: config.hidden, layers: config.layers, shift: config.shift, conv: config.conv, convKernel: config.convKernel, convStride: config.convStride },
    { backend: 'mock', mock: { noiseStd: config.noise, gain: config.gain }, seed });
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  let last = null;
  let logged = 0;
  for await (const p of trainModel(model, dataset, { lr: config.lr, lrSchedule: config.lrSchedule, epochs: config.epochs, batchSize: config.batchSize, augment: config.augment, seed, trainSize: 60000, labelNoise: 0, augmentThread: nodeAugmentThread() })) {
    if (p.epochs.length > logged) {
      const e = p.epochs[logged++];
      log(`seed ${seed} epoch ${e.epoch}: test ${(100 * e.testAccuracy).toFixed(2)} % (${e.seconds.toFixed(1)} s)`);
    }
    last = p;
    if (p.state !== 'running') break;
  }
  const accuracies = last!.epochs.map((e) => e.testAccuracy);
  return {
    config, seed, accuracies, trainAccuracies: last!.epochs.map((e) => Math.round(e.trainAccuracy * 1e4) / 1e4), final: accuracies[accuracies.length - 1] ?? NaN, best: Math.max(...accuracies),
    seconds: (performance.now() - started) / 1000, cpuSeconds: (() => { const u = process.cpuUsage(cpuStarted); return (u.user + u.system) / 1e6; })(), epochSeconds: last!.epochs.map((e) => Math.round(e.seconds * 100) / 100),
    state: last!.state + (last!.error ? `: ${last!.error}` : ''), date: new Date().toISOString(),
  };
}
