/**
 * The precompute step and the first view it enables: stable keys, strict reading of shipped files, the
 * cache, and the notebook's `training` whose first value is the precomputed run when (and only when)
 * the parameters match. Real training on a small synthetic dataset.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { notebookCells } from '../../cells/index';
import type { Dataset, Split } from '../../lib/data/types';
import { createNodeHost } from '../../lib/host/node';
import { defaultParams, type ParamValues } from '../../lib/params';
import { indexJson, parseIndex, parseSweep, parseTraining, precomputeKey, PRECOMPUTED_VERSION, relevantParamNames } from '../../lib/precompute/files';
import { upstreamParameters } from '../../lib/runtime/graph';
import { lookupPrecomputedTraining } from '../../lib/precompute/lookup';
import { DEFAULT_PLAN, precompute, type PlannedRun } from '../../lib/precompute/run';
import { presetValues } from '../../lib/presets';
import { Rng } from '../../lib/random';
import type { Host } from '../../lib/runtime/host';
import { createNotebook } from '../../lib/runtime/notebook';
import type { TrainProgress } from '../../lib/train/train';

function syntheticSplit(count: number, seed: number): Split {
  const rng = new Rng(seed);
  const images = new Uint8Array(count * 784);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = rng.int(10);
    for (let y = 4; y < 24; y++) for (let x = 2 + 2 * labels[i]; x < 5 + 2 * labels[i]; x++) images[i * 784 + y * 28 + x] = 1;
  }
  return { images, labels, count };
}
const dataset: Dataset = { train: syntheticSplit(200, 1), test: syntheticSplit(100, 2) };

const SMALL: Partial<ParamValues> = { hidden: 8, epochs: 1, trainSize: 200, batchSize: 50, augment: 'none' };
const PLAN: PlannedRun[] = [
  { kind: 'training', params: SMALL },
  { kind: 'sweep', params: { ...SMALL, sweepWidths: [4, 8] }, note: 'test budget' },
];

/** A Node host that also serves a precompute output directory, as the page's host serves dist/precomputed/. */
function hostServing(outDir: string | null, trainings: unknown[] = []): Host {
  const node = createNodeHost({ loadDataset: async () => dataset });
  return {
    ...node,
    runTraining(model, data, opts) {
      trainings.push(opts);
      return node.runTraining(model, data, opts);
    },
    readPrecomputed: outDir === null ? undefined : async (name: string) => {
      try {
        return readFileSync(join(outDir, 'precomputed', name), 'utf8');
      } catch {
        return null;
      }
    },
    readPrecomputedBytes: outDir === null ? undefined : async (name: string) => {
      try {
        return new Uint8Array(readFileSync(join(outDir, 'precomputed', name)));
      } catch {
        return null;
      }
    },
  };
}

describe('precompute keys', () => {
  it("a training result's parameters are exactly those the cell graph puts upstream of `training` (not through the stored-run shortcut)", () => {
    expect(upstreamParameters(notebookCells, 'training', ['pretrained'])).toEqual(relevantParamNames('training'));
  });

  const defaults = defaultParams();
  it('depend only on the parameters a result depends on', () => {
    const base = precomputeKey('training', defaults);
    expect(base).toMatch(/^training-[0-9a-f]{14}$/);
    expect(precomputeKey('training', { ...defaults, preprocess: false, sweepWidths: [8] })).toBe(base);
    expect(precomputeKey('training', { ...defaults, lr: 0.1 })).not.toBe(base);
    const sweep = precomputeKey('sweep', defaults);
    expect(precomputeKey('sweep', { ...defaults, hidden: 8 })).toBe(sweep);
    expect(precomputeKey('sweep', { ...defaults, sweepWidths: [8, 4] })).toBe(precomputeKey('sweep', { ...defaults, sweepWidths: [4, 8] }));
    expect(precomputeKey('sweep', { ...defaults, sweepWidths: [4, 8] })).not.toBe(sweep);
  });
  it('refuse invalid parameters by name', () => {
    expect(() => precomputeKey('training', { ...defaults, hidden: 0 })).toThrow(/"hidden"/);
  });
  it('do not depend on the preset\'s name, only on the values it sets; the build plans both presets', () => {
    const recommended = { ...defaults, ...presetValues('recommended') } as ParamValues;
    expect(precomputeKey('training', { ...recommended, preset: 'recommended' })).toBe(precomputeKey('training', { ...recommended, preset: 'tutorial' }));
    expect(precomputeKey('training', recommended)).not.toBe(precomputeKey('training', defaults));
    const planned = DEFAULT_PLAN.filter((p) => p.kind === 'training').map((p) => precomputeKey('training', { ...defaults, ...p.params } as ParamValues));
    expect(planned).toEqual([precomputeKey('training', defaults), precomputeKey('training', recommended)]);
  });
});

describe('reading shipped files', () => {
  it('refuses wrong versions, keys and parameters, naming the file and the field', () => {
    expect(() => parseIndex('{')).toThrow(/precomputed\/index.json: not valid JSON/);
    expect(() => parseIndex(JSON.stringify({ format: 'ziffern-precomputed', version: PRECOMPUTED_VERSION + 1, entries: [] }))).toThrow(/version/);
    const entry = { kind: 'training', key: precomputeKey('training', defaultParams()), params: { ...defaultParams() } };
    const index = (e: object) => indexJson([e as never]);
    expect(() => parseIndex(index({ ...entry, file: 'other.json' }))).toThrow(/entries\[0\]: file must be/);
    expect(() => parseIndex(index({ ...entry, file: `${entry.key}.json`, key: '../../etc' }))).toThrow(/entries\[0\]: key must look like/);
    expect(() => parseIndex(index({ ...entry, file: `${entry.key}.json` }))).toThrow(/entries\[0\]: file must be "training-[0-9a-f]{14}\.bin"/);
    expect(() => parseIndex(index({ ...entry, file: `${entry.key}.bin`, params: { ...entry.params, lr: -1 } }))).toThrow(/"lr"/);
    expect(() => parseTraining(JSON.stringify({ format: 'ziffern-precomputed', version: PRECOMPUTED_VERSION, kind: 'sweep' }), 'x.json')).toThrow(/precomputed\/x.json: kind must be "training"/);
    expect(() => parseSweep(JSON.stringify({ format: 'ziffern-precomputed', version: PRECOMPUTED_VERSION, kind: 'sweep', params: {} }), 'y.json')).toThrow(/params\.\w+ is missing/);
  });
});

describe('precompute → first view', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'ziffern-precompute-'));
  const cacheDir = join(outDir, 'cache');

  it('computes each planned result once, then reuses the cache byte for byte', async () => {
    const first = await precompute(outDir, { plan: PLAN, cacheDir, host: hostServing(null) });
    expect(first.computed).toHaveLength(2);
    const shipped = first.entries.map((e) => readFileSync(join(outDir, 'precomputed', e.file)));
    const again = await precompute(outDir, { plan: PLAN, cacheDir, host: hostServing(null) });
    expect(again.cached).toEqual(first.computed);
    expect(again.computed).toEqual([]);
    expect(again.entries.map((e) => readFileSync(join(outDir, 'precomputed', e.file)))).toEqual(shipped);
    const index = parseIndex(readFileSync(join(outDir, 'precomputed', 'index.json'), 'utf8'));
    expect(index.entries.map((e) => e.kind)).toEqual(['training', 'sweep']);
    const sweep = parseSweep(shipped[1].toString('utf8'), index.entries[1].file);
    expect(sweep.rows.map((r) => [r.hidden, r.state])).toEqual([[4, 'done'], [8, 'done']]);
    expect(index.entries[1].note).toBe('test budget');
  }, 60_000);

  it('finds the run for exactly its parameters, and nothing for others', async () => {
    const host = hostServing(outDir);
    const params = { ...defaultParams(), ...SMALL };
    const found = await lookupPrecomputedTraining(host, params);
    expect(found?.source).toBe('precomputed');
    expect(found?.progress.state).toBe('done');
    expect(found?.progress.epochs).toHaveLength(1);
    expect(found?.progress.model.layers[0].outFeatures).toBe(8);
    expect(await lookupPrecomputedTraining(host, { ...params, seed: 2 })).toBeNull();
    expect(await lookupPrecomputedTraining(hostServing(null), params)).toBeNull();
  });

  it("gives `training` the precomputed run as its first value when the parameters match, and trains live after a change", async () => {
    const trainings: unknown[] = [];
    const notebook = createNotebook(notebookCells, hostServing(outDir, trainings));
    try {
      for (const [name, value] of Object.entries(SMALL)) await notebook.set(name, value);
      const first = (await notebook.value('training')) as TrainProgress;
      expect(first.state).toBe('done');
      expect(trainings).toHaveLength(0);
      // The cache keeps the full-precision run; the page got the compact .bin made from it.
      const stored = parseTraining(readFileSync(join(cacheDir, `${precomputeKey('training', { ...defaultParams(), ...SMALL })}.json`), 'utf8'), 'training.json');
      expect(first.epochs[0].testAccuracy).toBe(stored.epochs[0].testAccuracy);
      expect(first.losses).toEqual(stored.losses);

      await notebook.set('lr', 0.1);
      const live = await new Promise<TrainProgress>((resolve) => {
        const stop = notebook.observe('training', (value) => {
          const progress = value as TrainProgress;
          if (progress?.state === 'done' && trainings.length > 0) {
            stop();
            resolve(progress);
          }
        });
      });
      expect(trainings).toHaveLength(1);
      expect(live.epochs).toHaveLength(1);
    } finally {
      notebook.dispose();
    }
  }, 60_000);
});
