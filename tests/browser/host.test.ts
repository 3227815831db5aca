/**
 * The browser Host's edges without a browser: data fetched from a real local server (Node has fetch and
 * DecompressionStream), and the worker protocol against a scripted fake Worker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeSplit } from '../../lib/data/encoding.js';
import type { Dataset, Split } from '../../lib/data/types.js';
import type { HagenModel } from '../../lib/hagen/types.js';
import { createBrowserHost, fetchSplit } from '../../lib/host/browser.js';
import { startStaticServer, type RunningServer } from '../../lib/host/serve.js';
import type { FromWorker, ToWorker } from '../../lib/host/worker.js';
import type { TrainProgress } from '../../lib/train/train.js';

function tinySplit(count: number, firstLabel: number): Split {
  const images = new Uint8Array(count * 784);
  for (let i = 0; i < images.length; i++) images[i] = (i * 7 + firstLabel) % 3 === 0 ? 1 : 0;
  const labels = Uint8Array.from({ length: count }, (_, i) => (firstLabel + i) % 10);
  return { images, labels, count };
}

describe('browser host: data assets', () => {
  let root: string;
  let server: RunningServer;
  const test = tinySplit(5, 7);
  const train = tinySplit(9, 5);

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'ziffern-host-'));
    mkdirSync(join(root, 'site', 'data'), { recursive: true });
    writeFileSync(join(root, 'site', 'data', 'mnist-test.bin.gz'), gzipSync(encodeSplit(test)));
    writeFileSync(join(root, 'site', 'data', 'mnist-train.bin.gz'), gzipSync(encodeSplit(train)));
    writeFileSync(join(root, 'site', 'data', 'not-gzip.bin.gz'), new Uint8Array([1, 2, 3, 4]));
    writeFileSync(join(root, 'site', 'data', 'bad-content.bin.gz'), gzipSync(new Uint8Array([9, 9, 9])));
    server = await startStaticServer({ root, port: 0 });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('loads the test split first, then the train split, from below the asset base', async () => {
    const requested: string[] = [];
    const host = createBrowserHost({
      assetBase: server.url + 'site/',
      fetch: (input, init) => {
        requested.push(String(input));
        return fetch(input, init);
      },
    });
    const dataset = await host.loadDataset();
    expect(requested).toEqual([server.url + 'site/data/mnist-test.bin.gz', server.url + 'site/data/mnist-train.bin.gz']);
    expect(dataset.test).toEqual(test);
    expect(dataset.train).toEqual(train);
    expect(await host.loadDataset()).toBe(dataset); // cached: no second download
    expect(requested).toHaveLength(2);
  });

  it('names the asset in every failure', async () => {
    await expect(fetchSplit(server.url + 'site/data/missing.bin.gz', 'data/missing.bin.gz')).rejects.toThrow(/cannot load data\/missing\.bin\.gz .*HTTP 404/);
    await expect(fetchSplit(server.url + 'site/data/not-gzip.bin.gz', 'data/not-gzip.bin.gz')).rejects.toThrow(/data\/not-gzip\.bin\.gz is corrupt/);
    await expect(fetchSplit(server.url + 'site/data/bad-content.bin.gz', 'data/bad-content.bin.gz')).rejects.toThrow(/data\/bad-content\.bin\.gz is corrupt/);
    const aborted = new AbortController();
    aborted.abort();
    await expect(fetchSplit(server.url + 'site/data/mnist-test.bin.gz', 'data/mnist-test.bin.gz', fetch, aborted.signal)).rejects.toThrow(/loading data\/mnist-test\.bin\.gz was aborted/);
    await expect(fetchSplit('http://127.0.0.1:1/x.bin.gz', 'data/x.bin.gz')).rejects.toThrow(/cannot load data\/x\.bin\.gz/);
  });

  it('forgets a failed load so that trying again fetches again', async () => {
    let calls = 0;
    const host = createBrowserHost({
      assetBase: server.url + 'site/',
      fetch: (input, init) => {
        calls++;
        return calls === 1 ? Promise.resolve(new Response('gone', { status: 404, statusText: 'Not Found' })) : fetch(input, init);
      },
    });
    await expect(host.loadDataset()).rejects.toThrow(/mnist-test\.bin\.gz.*404/);
    const dataset = await host.loadDataset();
    expect(dataset.test.count).toBe(5);
    expect(calls).toBe(3);
  });

  it('rejects an asset base that is not a directory URL', () => {
    expect(() => createBrowserHost({ assetBase: 'http://x/site' })).toThrow(/assetBase must be a URL directory ending in "\/"/);
  });
});

/** A Worker stand-in: records what the page posts and lets the test answer as the worker would. */
class FakeWorker {
  posted: ToWorker[] = [];
  terminated = false;
  onmessage: ((event: MessageEvent<FromWorker>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  onmessageerror: (() => void) | null = null;
  postMessage(message: ToWorker) {
    this.posted.push(message);
  }
  terminate() {
    this.terminated = true;
  }
  reply(message: FromWorker) {
    this.onmessage?.({ data: message } as MessageEvent<FromWorker>);
  }
  crash(message: string) {
    this.onerror?.({ message, preventDefault() {} } as ErrorEvent);
  }
}

function model(value: number): HagenModel {
  return {
    layers: [{ inFeatures: 2, outFeatures: 1, numSends: 1, weight: new Float32Array([value, value]), bias: new Float32Array([0]) }],
    shift: 1, backend: 'mock', mock: { noiseStd: 2, gain: 0.002 },
  };
}

function progress(batch: number, weights: HagenModel | null): Extract<FromWorker, { type: 'progress' }>['progress'] {
  return { state: 'running', epoch: 0, batch, batchesPerEpoch: 3, loss: 1 / (batch + 1), samplesPerSecond: 100, losses: [], epochs: [], model: weights };
}

const data: Dataset = { train: tinySplit(2, 0), test: tinySplit(2, 1) };
const options = { lr: 0.25, epochs: 1, batchSize: 2, augment: 'none' as const, seed: 1, trainSize: 2, labelNoise: 0 };
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('browser host: training in a worker', () => {
  it('streams progress, keeps the last weights when the worker sends none, and sends the dataset once', async () => {
    const workers: FakeWorker[] = [];
    const host = createBrowserHost({ assetBase: 'http://x/', createWorker: () => (workers.push(new FakeWorker()), workers.at(-1) as unknown as Worker) });
    const seen: TrainProgress[] = [];
    const run = (async () => {
      for await (const p of host.runTraining(model(0), data, options)) seen.push(p);
    })();
    await flush();
    const [worker] = workers;
    const start = worker.posted[0] as Extract<ToWorker, { type: 'train' }>;
    expect(start.type).toBe('train');
    expect(start.data).toBe(data);
    expect(start.opts).toEqual({ ...options, progressIntervalMs: 200 }); // the host's progress interval travels with the run
    worker.reply({ type: 'progress', runId: start.runId, progress: progress(0, model(1)) });
    await flush();
    worker.reply({ type: 'progress', runId: start.runId, progress: progress(1, null) });
    worker.reply({ type: 'finished', runId: start.runId });
    await run;
    expect(seen.map((p) => p.batch)).toEqual([0, 1]);
    expect(seen[1].model.layers[0].weight[0]).toBe(1);

    const second = (async () => {
      for await (const p of host.runTraining(model(0), data, options)) seen.push(p);
    })();
    await flush();
    const restart = worker.posted[1] as Extract<ToWorker, { type: 'train' }>;
    expect(restart.data).toBeUndefined(); // the worker keeps the dataset it already has
    expect(restart.runId).not.toBe(start.runId);
    worker.reply({ type: 'failed', runId: restart.runId, message: 'loss is NaN' });
    await expect(second).rejects.toThrow(/training failed: loss is NaN/);
    expect(workers).toHaveLength(1);
  });

  it('hands over only the newest of the progress that piled up, with the newest weights, and every final state', async () => {
    const workers: FakeWorker[] = [];
    const host = createBrowserHost({ assetBase: 'http://x/', progressIntervalMs: 0, createWorker: () => (workers.push(new FakeWorker()), workers.at(-1) as unknown as Worker) });
    const iterator = host.runTraining(model(0), data, options)[Symbol.asyncIterator]();
    const first = iterator.next();
    await flush();
    const { runId } = workers[0].posted[0] as Extract<ToWorker, { type: 'train' }>;
    // Four batches arrive before the page reads: it gets the last one, with the weights of the second.
    workers[0].reply({ type: 'progress', runId, progress: { ...progress(0, model(1)), losses: [1] } });
    workers[0].reply({ type: 'progress', runId, progress: { ...progress(1, model(2)), losses: [1, 0.5] } });
    workers[0].reply({ type: 'progress', runId, progress: { ...progress(2, null), losses: [1, 0.5, 0.4] } });
    workers[0].reply({ type: 'progress', runId, progress: { ...progress(3, null), losses: [1, 0.5, 0.4, 0.3] } });
    const newest = (await first).value!;
    expect(newest.batch).toBe(3);
    expect(newest.losses).toEqual([1, 0.5, 0.4, 0.3]);
    expect(newest.model.layers[0].weight[0]).toBe(2);
    // A final state is never skipped, even when it is followed at once by the end of the run.
    workers[0].reply({ type: 'progress', runId, progress: { ...progress(3, null), state: 'done' } });
    workers[0].reply({ type: 'finished', runId });
    expect((await iterator.next()).value?.state).toBe('done');
    expect((await iterator.next()).done).toBe(true);
  });

  it('sends its progress interval to the worker, which applies the one progress rule; a run may set its own', async () => {
    const workers: FakeWorker[] = [];
    const host = createBrowserHost({ assetBase: 'http://x/', progressIntervalMs: 60_000, createWorker: () => (workers.push(new FakeWorker()), workers.at(-1) as unknown as Worker) });
    const iterator = host.runTraining(model(0), data, options)[Symbol.asyncIterator]();
    const first = iterator.next();
    await flush();
    const start = workers[0].posted[0] as Extract<ToWorker, { type: 'train' }>;
    expect(start.opts.progressIntervalMs).toBe(60_000);
    // The page hands on what arrives (no second throttle here): each running value as soon as it is read.
    workers[0].reply({ type: 'progress', runId: start.runId, progress: progress(0, model(1)) });
    expect((await first).value?.batch).toBe(0);
    const second = iterator.next();
    workers[0].reply({ type: 'progress', runId: start.runId, progress: progress(1, null) });
    expect((await second).value?.batch).toBe(1);
    await iterator.return?.(undefined);
    const own = host.runTraining(model(0), data, { ...options, progressIntervalMs: 0 })[Symbol.asyncIterator]();
    const ended = own.next();
    await flush();
    const ownStart = workers[0].posted.at(-1) as Extract<ToWorker, { type: 'train' }>;
    expect(ownStart.opts.progressIntervalMs).toBe(0);
    workers[0].reply({ type: 'finished', runId: ownStart.runId });
    expect((await ended).done).toBe(true);
  });

  it('refuses a progress interval that is not a number of milliseconds ≥ 0', () => {
    for (const bad of [-1, NaN, Infinity, '100' as unknown as number]) {
      expect(() => createBrowserHost({ assetBase: 'http://x/', progressIntervalMs: bad })).toThrow(/progressIntervalMs must be a finite number of milliseconds ≥ 0/);
    }
  });

  it('aborts through the signal, and terminates a worker that does not stop in time', async () => {
    const workers: FakeWorker[] = [];
    const host = createBrowserHost({ assetBase: 'http://x/', abortGraceMs: 20, createWorker: () => (workers.push(new FakeWorker()), workers.at(-1) as unknown as Worker) });
    const controller = new AbortController();
    const seen: TrainProgress[] = [];
    const run = (async () => {
      for await (const p of host.runTraining(model(0), data, { ...options, signal: controller.signal })) seen.push(p);
    })();
    await flush();
    const [worker] = workers;
    const { runId } = worker.posted[0] as Extract<ToWorker, { type: 'train' }>;
    controller.abort();
    expect(worker.posted[1]).toEqual({ type: 'abort', runId });
    await run; // the stuck worker is terminated; the run ends as cancelled, not as an error
    expect(worker.terminated).toBe(true);

    const next = host.runTraining(model(0), data, options)[Symbol.asyncIterator]();
    const pending = next.next();
    await flush();
    expect(workers).toHaveLength(2); // a fresh worker, with the dataset sent again
    const restart = workers[1].posted[0] as Extract<ToWorker, { type: 'train' }>;
    expect(restart.data).toBe(data);
    workers[1].reply({ type: 'progress', runId: restart.runId, progress: progress(0, model(2)) });
    expect((await pending).value?.batch).toBe(0);
    await next.return?.(undefined); // the consumer stops early: the worker is told to stop
    expect(workers[1].posted.at(-1)).toEqual({ type: 'abort', runId: restart.runId });
  });

  it('declares a worker that goes silent (closed without an error event) dead, and starts a new one next time', async () => {
    const workers: FakeWorker[] = [];
    const host = createBrowserHost({ assetBase: 'http://x/', silenceLimitMs: 50, createWorker: () => (workers.push(new FakeWorker()), workers.at(-1) as unknown as Worker) });
    const seen: number[] = [];
    const run = (async () => {
      for await (const p of host.runTraining(model(0), data, options)) seen.push(p.batch);
    })();
    await flush();
    const { runId } = workers[0].posted[0] as Extract<ToWorker, { type: 'train' }>;
    workers[0].reply({ type: 'progress', runId, progress: progress(0, model(1)) });
    // ...and then nothing more: no progress, no error event.
    await expect(run).rejects.toThrow(/the training worker stopped responding: no progress for 0 s/);
    expect(seen).toEqual([0]);
    expect(workers[0].terminated).toBe(true);
    const again = host.runTraining(model(0), data, options)[Symbol.asyncIterator]();
    const first = again.next();
    await flush();
    expect(workers).toHaveLength(2);
    const restart = workers[1].posted[0] as Extract<ToWorker, { type: 'train' }>;
    workers[1].reply({ type: 'progress', runId: restart.runId, progress: progress(0, model(2)) });
    expect((await first).value?.batch).toBe(0);
    await again.return?.(undefined);
  });

  it('turns a crashed worker into a training error and starts a new worker next time', async () => {
    const workers: FakeWorker[] = [];
    const host = createBrowserHost({ assetBase: 'http://x/', createWorker: () => (workers.push(new FakeWorker()), workers.at(-1) as unknown as Worker) });
    const run = (async () => {
      for await (const _ of host.runTraining(model(0), data, options));
    })();
    await flush();
    workers[0].crash('out of memory');
    await expect(run).rejects.toThrow(/the training worker stopped: out of memory/);
    expect(workers[0].terminated).toBe(true);
    const again = host.runTraining(model(0), data, options)[Symbol.asyncIterator]();
    const first = again.next();
    await flush();
    expect(workers).toHaveLength(2);
    const { runId } = workers[1].posted[0] as Extract<ToWorker, { type: 'train' }>;
    workers[1].reply({ type: 'finished', runId });
    expect((await first).done).toBe(true);
  });

  it('refuses live objects that cannot cross into the worker', async () => {
    const host = createBrowserHost({ assetBase: 'http://x/', createWorker: () => new FakeWorker() as unknown as Worker });
    const fakeChip = { id: 1, calibrated: true, mac: () => new Float32Array(), chipTimeSeconds: () => 0 };
    const iterator = host.runTraining(model(0), data, { ...options, chip: fakeChip })[Symbol.asyncIterator]();
    await expect(iterator.next()).rejects.toThrow(/opts\.chip cannot be sent to the training worker/);
  });
});
