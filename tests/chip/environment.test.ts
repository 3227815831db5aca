import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { readNightlyCalibration } from '../../lib/host/node';
import { environmentCells, loadChipCalibration } from '../../cells/environment';
import { notebookCells } from '../../cells/index';
import { applyCalibration, calibrationChecksum, calibrationReport, parseCalibration, serializeCalibration } from '../../lib/chip/calibration';
import { createChip } from '../../lib/chip/chip';
import { chipFromDescription, imperfectionsWith, isDescribedChipDevice, type ChipDescription } from '../../lib/chip/description';
import { DEFAULT_IMPERFECTIONS } from '../../lib/chip/imperfections';
import { mockComparison, spreadRows, weightSweep } from '../../lib/chip/pictures';
import { describeSession, lazyChip, Lazy, LazyChipDevice, MeasuredMockParameter, type ChipCalibration } from '../../lib/chip/session';
import type { Dataset } from '../../lib/data/types';
import { Rng } from '../../lib/random';
import { HeadlessView } from '../../lib/runtime/headless-view';
import type { Host } from '../../lib/runtime/host';
import { createNotebook, type Notebook } from '../../lib/runtime/notebook';
import type { TrainOptions, TrainProgress } from '../../lib/train/train';

const noHost = {};
/** Reads the shipped files, as the Node host does (the page fetches the same files from the site). */
const shippedFiles = { loadCalibration: (chipId: number) => readNightlyCalibration(fileURLToPath(new URL('../../notebook/', import.meta.url)), chipId) };
const nightlyFor = async (chipId: number, host: object = shippedFiles) => (await loadChipCalibration(lazyChip(chipId), chipId, 'nightly', host)).value;

function randomBatch(rng: Rng, batch: number, k: number, n: number): { x: Float32Array; w: Float32Array } {
  const x = new Float32Array(batch * k).map(() => (rng.next() < 0.3 ? rng.int(32) : 0));
  const w = new Float32Array(k * n).map(() => rng.int(41) - 20);
  return { x, w };
}

/** A host whose training records its options and finishes at once. */
function recordingHost(calls: TrainOptions[]): Host {
  const split = { images: new Uint8Array(784), labels: new Uint8Array(1), count: 1 };
  return {
    kind: 'node',
    view: (spec) => new HeadlessView(spec.default),
    loadDataset: async (): Promise<Dataset> => ({ train: split, test: split }),
    tfBackend: async () => 'none',
    loadCalibration: shippedFiles.loadCalibration,
    runTraining: (model, _data, opts) => (async function* (): AsyncGenerator<TrainProgress> {
      calls.push(opts);
      // What a host does with a chip: build its own from the description.
      if (opts.chip && isDescribedChipDevice(opts.chip)) chipFromDescription(opts.chip.description);
      yield { state: 'done', epoch: 1, batch: 1, batchesPerEpoch: 1, loss: 0, samplesPerSecond: 1, losses: [0], epochs: [], model };
    })(),
  };
}

let notebook: Notebook | null = null;
afterEach(() => {
  notebook?.dispose();
  notebook = null;
});

describe('environment cells are lazy', () => {
  it('backend mock with default mock parameters never builds, calibrates or measures the chip', async () => {
    const calls: TrainOptions[] = [];
    notebook = createNotebook(notebookCells, recordingHost(calls));
    await notebook.set('hidden', 4);
    await notebook.value('training');
    const device = (await notebook.value('chipDevice')) as LazyChipDevice;
    const chip = (await notebook.value('chip')) as Lazy<unknown>;
    const calibration = (await notebook.value('chipCalibration')) as Lazy<unknown>;
    const measured = (await notebook.value('measuredMockParameter')) as MeasuredMockParameter;
    expect(calls).toHaveLength(1);
    expect(calls[0].chip).toBeUndefined();
    expect([chip.computed, calibration.computed, device.built, measured.measured]).toEqual([false, false, false, false]);
  });

  it('mockSource "measured" measures once; backend chip builds the calibrated device and sends its description', async () => {
    const calls: TrainOptions[] = [];
    notebook = createNotebook(notebookCells, recordingHost(calls));
    await notebook.set('hidden', 4);
    await notebook.set('mockSource', 'measured');
    const mock = await notebook.value('mockParameter');
    const measured = (await notebook.value('measuredMockParameter')) as MeasuredMockParameter;
    expect(measured.measured).toBe(true);
    expect(mock).toEqual(measured.toJSON());
    expect(measured.measurement.noisePerChunk).toBeLessThan(measured.noiseStd);

    await notebook.set('backend', 'chip');
    await notebook.value('training');
    const device = calls.at(-1)!.chip as LazyChipDevice;
    expect(device).toBe(await notebook.value('chipDevice'));
    expect(device.built).toBe(true);
    expect(device.calibrated).toBe(true);
    expect(device.description.chipId).toBe(1);
    expect(parseCalibration(device.description.calibration, 1).chipId).toBe(1);
  });
});

describe('chip descriptions', () => {
  it('rebuild the same calibrated chip anywhere: identical reads from the same description, different for another id', async () => {
    const cal = (await nightlyFor(1)).calibration!;
    const description: ChipDescription = { chipId: 1, calibration: serializeCalibration(cal) };
    const { x, w } = randomBatch(new Rng(4), 3, 300, 20);
    const a = chipFromDescription(description);
    const b = chipFromDescription(JSON.parse(JSON.stringify(description)) as ChipDescription); // as through postMessage
    expect(a.calibrated).toBe(true);
    expect(a.mac(x, 3, w, 300, 20, 2)).toEqual(b.mac(x, 3, w, 300, 20, 2));
    expect(chipFromDescription(description).mac(x, 3, w, 300, 20, 2)).toEqual(applyCalibration(createChip(1), cal).mac(x, 3, w, 300, 20, 2));
    const raw = chipFromDescription({ chipId: 2, calibration: 'none' });
    expect(raw.calibrated).toBe(false);
    expect(raw.mac(x, 3, w, 300, 20, 2)).not.toEqual(chipFromDescription({ chipId: 1, calibration: 'none' }).mac(x, 3, w, 300, 20, 2));
  });

  it('carry imperfection overrides, checked by name', () => {
    const quiet = chipFromDescription({ chipId: 1, calibration: 'none', imperfections: { readoutNoise: 0, neuronOffset: { uncalibrated: 0 } } });
    expect(quiet.imperfections.readoutNoise).toBe(0);
    expect(quiet.imperfections.neuronOffset).toEqual({ uncalibrated: 0, calibrated: DEFAULT_IMPERFECTIONS.neuronOffset.calibrated });
    const x = new Float32Array(128).fill(5);
    const w = new Float32Array(128 * 4).fill(2);
    expect(quiet.mac(x, 1, w, 128, 4, 1)).toEqual(quiet.mac(x, 1, w, 128, 4, 1)); // no noise left
    expect(() => imperfectionsWith({ readoutNoize: 1 } as never)).toThrow(/"readoutNoize" does not exist; allowed are .*readoutNoise/);
    expect(() => imperfectionsWith({ neuronGain: { spread: 1 } } as never)).toThrow(/"neuronGain" has no field "spread"/);
    expect(() => imperfectionsWith({ readoutNoise: -1 })).toThrow(/readoutNoise.*≥ 0/);
  });

  it('refuse a calibration for another chip, another version, a bad checksum or a truncated file', async () => {
    const cal = (await nightlyFor(1)).calibration!;
    const text = serializeCalibration(cal);
    expect(() => chipFromDescription({ chipId: 2, calibration: text })).toThrow(/measured on chip 1, but this session's chip is 2/);
    const { checksum: _c, ...body } = { ...cal, formatVersion: 2 };
    expect(() => chipFromDescription({ chipId: 1, calibration: JSON.stringify({ ...body, checksum: calibrationChecksum(body) }) })).toThrow(/format version 2/);
    expect(() => chipFromDescription({ chipId: 1, calibration: text.replace('"neuronOffset": [', '"neuronOffset": [1,') })).toThrow(/neuronOffset must be an array of 512|checksum/);
    expect(() => chipFromDescription({ chipId: 1, calibration: text.slice(0, text.length / 2) })).toThrow(/not valid JSON \(truncated/);
    expect(() => chipFromDescription({ chipId: -1, calibration: 'none' })).toThrow(/chipId must be a non-negative integer/);
    expect(() => chipFromDescription({ chipId: 1 } as never)).toThrow(/calibration must be the calibration file's text or 'none'/);
  });
});

describe('calibration cell', () => {
  it('loads the shipped nightly file for chip 1; refuses it (with the reason) for chip 2, a truncated file or a failed load', async () => {
    expect((await nightlyFor(1)).calibration?.chipId).toBe(1);
    const other = await nightlyFor(2);
    expect(other.calibration).toBeNull();
    expect(other.refused).toMatch(/could not be loaded: there is no file .*nightly-chip2\.json — the chip runs uncalibrated; choose calibration "fresh"/);
    expect((await nightlyFor(2, { loadCalibration: async () => readFileSync(new URL('../../notebook/calibration/nightly-chip1.json', import.meta.url), 'utf8') })).refused)
      .toMatch(/measured on chip 1, but this session's chip is 2.*choose calibration "fresh"/);
    expect((await nightlyFor(1, noHost)).refused).toMatch(/this host reads no nightly calibration files/);
    expect((await nightlyFor(2, { loadCalibration: async () => '{"formatVersion":1' })).refused).toMatch(/not valid JSON/);
    expect((await nightlyFor(2, { loadCalibration: async () => { throw new Error('HTTP 404'); } })).refused).toMatch(/could not be loaded: HTTP 404/);
    await expect(loadChipCalibration(lazyChip(1), 1, 'weekly', noHost)).rejects.toThrow(/nightly, fresh, none/);
  });

  it('describes the session with residuals and calibration age', async () => {
    const chip = createChip(1);
    const chipCalibration: ChipCalibration = (await loadChipCalibration(new Lazy(() => chip), 1, 'fresh', noHost)).value;
    const created = new Date(chipCalibration.calibration!.created);
    const session = describeSession('chip', chip, chipCalibration, new Date(created.getTime() + 2 * 3.6e6));
    expect(session).toMatchObject({ backend: 'chip', chipId: 1, calibrated: true, calibrationSource: 'fresh', refused: null });
    expect(session.calibrationAgeHours).toBeCloseTo(2, 6);
    expect(session.residuals!.offsetLsb[0] / session.residuals!.offsetLsb[1]).toBeGreaterThan(3);
    expect(describeSession('mock', chip, chipCalibration).report).toBe(session.report); // measured once per calibration
    const none = describeSession('mock', chip, { source: 'none', calibration: null });
    expect(none).toMatchObject({ calibrated: false, residuals: null, calibrationAgeHours: null });
  });

  it('wires chip → chipCalibration → chipDevice → measuredMockParameter, deterministically', async () => {
    const byName = new Map(environmentCells.map((c) => [c.name, c]));
    const chip = byName.get('chip')!.define(1);
    const chipCalibration = await byName.get('chipCalibration')!.define(chip, 1, 'nightly', shippedFiles);
    const device = byName.get('chipDevice')!.define(1, chip, chipCalibration) as LazyChipDevice;
    expect(device.calibrated).toBe(true);
    const measured = (byName.get('measuredMockParameter')!.define(device, 1) as MeasuredMockParameter).toJSON();
    expect((byName.get('measuredMockParameter')!.define(device, 1) as MeasuredMockParameter).toJSON()).toEqual(measured);
    expect(measured.gain).toBeGreaterThan(0.0018);
    expect(measured.gain).toBeLessThan(0.0023);
  });
});

describe('picture data', () => {
  it('sweeps neuron responses: linear near zero, saturating at a per-neuron level', () => {
    const chip = createChip(1);
    const sweep = weightSweep(chip, [0, 300], { reads: 4 });
    expect(sweep.weights[0]).toBe(-63);
    expect(sweep.curves).toHaveLength(2);
    for (const curve of sweep.curves) {
      const top = curve.mean[curve.mean.length - 1];
      expect(top).toBeGreaterThan(85);
      expect(top).toBeLessThanOrEqual(127);
      for (let i = 1; i < curve.mean.length; i++) expect(curve.mean[i]).toBeGreaterThan(curve.mean[i - 1] - 4);
    }
    expect(sweep.ideal[sweep.ideal.length - 1]).toBeGreaterThan(127); // the ideal line runs past the ADC
    expect(() => weightSweep(chip, [512])).toThrow(/neuron 512 does not exist/);
  });

  it('turns a report into before/after rows and compares mock parameters', async () => {
    const chip = createChip(1);
    const { calibration } = await nightlyFor(1);
    const rows = spreadRows(calibrationReport(chip, calibration!));
    expect(rows.map((r) => r.quantity)).toEqual(['neuron offset', 'neuron gain', 'driver amplitude']);
    expect(rows[0].beforeValues).toHaveLength(512);
    expect(rows[2].afterValues).toHaveLength(256);
    for (const row of rows) expect(row.before).toBeGreaterThan(row.after);
    expect(mockComparison({ gain: 0.0021, noiseStd: 2.4 }, { gain: 0.002, noiseStd: 2 })[1].ratio).toBeCloseTo(1.2, 10);
  });
});
