/**
 * A RunOne for Node that trains each width on its own worker thread, so `scheduleSweep(widths,
 * os.availableParallelism(), workerRunOne(...))` uses every core. Each worker loads MNIST itself
 * unless a (small) dataset is passed. Workers run lib/sweep/nodeWorker.ts through tsx's API.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Dataset } from '../data/types';
import type { MockParameter } from '../hagen/types';
import type { ParamValues } from '../params';
import type { RunOne, WidthMetrics } from './sweep';
import { SWEEP_ENGINES, type FromSweepWorker, type SweepEngineName, type SweepWorkerJob } from './workerProtocol';

/** After an abort, a worker gets this long to stop on its own (within one batch) before it is terminated. */
export const WORKER_STOP_GRACE_MS = 5000;

export interface WorkerSweepOptions {
  params: ParamValues;
  mock: MockParameter;
  engine?: SweepEngineName;
  dataset?: Dataset;
  measureTrainImages?: number;
}

/**
 * Worker threads do not inherit tsx's loader, so each worker first registers it (tsx's API) and
 * then imports the TypeScript entry.
 */
function bootstrapCode(): string {
  // The ESM build of tsx's API, found through tsx's own export map (require.resolve would give the CJS build).
  const packageJson = createRequire(import.meta.url).resolve('tsx/package.json');
  const exportsMap = JSON.parse(readFileSync(packageJson, 'utf8')).exports as Record<string, { import: { default: string } }>;
  const tsxApi = new URL(exportsMap['./esm/api'].import.default, pathToFileURL(packageJson)).href;
  const entry = new URL('./nodeWorker.ts', import.meta.url).href;
  return `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); })`;
}

export function workerRunOne(options: WorkerSweepOptions): RunOne {
  const engine = options.engine ?? 'fast';
  if (!SWEEP_ENGINES.includes(engine)) throw new RangeError(`sweep engine must be one of ${SWEEP_ENGINES.join(', ')}, got ${String(engine)}`);
  const code = bootstrapCode();
  return (hidden, { signal, report }) =>
    new Promise<WidthMetrics>((resolve, reject) => {
      const job: SweepWorkerJob = { hidden, params: options.params, mock: options.mock, engine, dataset: options.dataset, measureTrainImages: options.measureTrainImages };
      const worker = new Worker(code, { eval: true, workerData: job });
      let settled = false;
      let killTimer: ReturnType<typeof setTimeout> | undefined;
      const finish = (settle: () => void) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        clearTimeout(killTimer);
        settle();
      };
      const onAbort = () => {
        worker.postMessage({ type: 'abort' });
        killTimer = setTimeout(() => void worker.terminate(), WORKER_STOP_GRACE_MS);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      if (signal.aborted) onAbort();
      worker.on('message', (message: FromSweepWorker) => {
        if (message.type === 'report') report(message.partial);
        else if (message.type === 'done') finish(() => resolve(message.metrics));
        else if (message.type === 'error') finish(() => reject(new Error(message.message)));
      });
      worker.on('error', (error) => finish(() => reject(new Error(`sweep worker for hidden=${hidden} crashed: ${error.message}`))));
      worker.on('exit', (code) => finish(() => reject(new Error(`sweep worker for hidden=${hidden} exited (code ${code}) without a result`))));
    });
}
