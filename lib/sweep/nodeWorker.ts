/**
 * worker_threads entry: trains the one width in `workerData` (a SweepWorkerJob) and reports back
 * (FromSweepWorker messages). Started by lib/sweep/nodeWorkers.ts under tsx.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { HagenEngine } from '../hagen/types';
import { runOneFromTraining } from './sweep';
import { trainingAdapter } from './training';
import type { FromSweepWorker, SweepEngineName, SweepWorkerJob, ToSweepWorker } from './workerProtocol';

async function engineNamed(name: SweepEngineName): Promise<HagenEngine> {
  switch (name) {
    case 'reference':
      return (await import('../hagen/referenceEngine')).referenceEngine;
    case 'fast':
      return (await import('../hagen/fast/index')).fastEngine;
    case 'tfjs':
      return (await import('../hagen/tfjsEngine')).tfjsEngine;
  }
}

async function main(): Promise<void> {
  if (!parentPort) throw new Error('lib/sweep/nodeWorker.ts must run as a worker thread');
  const port = parentPort;
  const send = (message: FromSweepWorker) => port.postMessage(message);
  const job = workerData as SweepWorkerJob;
  const stop = new AbortController();
  port.on('message', (message: ToSweepWorker) => {
    if (message?.type === 'abort') stop.abort();
  });
  try {
    // Only the tfjs engine runs on tf (the crops use the typed kernel): start tf (wasm) only then.
    if (job.engine === 'tfjs') await (await import('../tf/backend')).initTf();
    const engine = await engineNamed(job.engine);
    const data = job.dataset ?? (await (await import('../host/node-data')).loadMnistNode());
    const runOne = runOneFromTraining(trainingAdapter({ params: job.params, mock: job.mock, data, engine, measureTrainImages: job.measureTrainImages }));
    const metrics = await runOne(job.hidden, { signal: stop.signal, report: (partial) => send({ type: 'report', partial }) });
    send({ type: 'done', metrics });
  } catch (error) {
    send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  } finally {
    port.close();
  }
}

void main();
