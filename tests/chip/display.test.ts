// @vitest-environment jsdom
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { environmentCells } from '../../cells/environment';
import { modelCells } from '../../cells/model';
import { parameterCells } from '../../cells/parameters';
import type { Split } from '../../lib/data/types';
import type { CellSpec } from '../../lib/runtime/cell';
import { HeadlessView } from '../../lib/runtime/headless-view';
import type { Host } from '../../lib/runtime/host';
import { createNotebook, type Notebook } from '../../lib/runtime/notebook';

const testSet: Split = { images: new Uint8Array(50 * 784).map(() => (Math.random() < 0.15 ? 1 : 0)), labels: new Uint8Array(50), count: 50 };
const pageCells: CellSpec[] = [
  { name: 'lang', inputs: [], define: () => 'en' },
  { name: 'width', inputs: [], define: () => 640 },
  { name: 'testSet', inputs: [], define: () => testSet },
];
const host: Host = {
  kind: 'node',
  view: (spec) => new HeadlessView(spec.default),
  loadDataset: async () => ({ train: testSet, test: testSet }),
  tfBackend: async () => 'none',
  runTraining: () => { throw new Error('no training in this test'); },
  // The shipped nightly file of chip 1, whatever chip is asked for (so chip 2 sees a file measured on another chip).
  loadCalibration: async () => readFileSync(join(__dirname, '..', '..', 'notebook', 'calibration', 'nightly-chip1.json'), 'utf8'),
};

let notebook: Notebook | null = null;
afterEach(() => {
  notebook?.dispose();
  notebook = null;
});

/** Mount `name` and wait until it shows a value (not pending). */
async function mounted(name: string, accept: (el: HTMLElement) => boolean = () => true): Promise<HTMLElement> {
  const el = document.createElement('div');
  document.body.append(el);
  notebook!.mount(name, el);
  for (let i = 0; i < 500; i++) {
    if (el.getAttribute('data-status') === 'error') throw new Error(`cell ${name}: ${el.textContent}`);
    if (el.firstElementChild && accept(el)) return el;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`cell ${name} did not render (status ${el.getAttribute('data-status')})`);
}

describe('hardware session display', () => {
  it('shows the emulated chip, its calibration, residuals and chip time beside wall-clock time', async () => {
    notebook = createNotebook([...parameterCells, ...environmentCells, ...modelCells, ...pageCells], host);
    await notebook.set('trainSize', 1000);

    const session = await mounted('session');
    const text = session.textContent!;
    expect(text).toMatch(/EMULATED BrainScaleS-2 core, chip id 1/);
    expect(text).toMatch(/last night’s file, created .* \(\d+(?:\.\d)? h old\)/);
    expect(text).toMatch(/offset \d+\.\d+ → \d\.\d+ output steps/);
    expect(text).toContain("TensorFlow.js is not loaded"); // showing the session does not load tfjs (the host has no tfBackendInUse here)
    const cells = [...session.querySelectorAll('.zf-chip-time td')].map((td) => td.textContent);
    expect(cells).toHaveLength(4);
    for (const value of cells) expect(value).toMatch(/\d (ms|s)$/);
    expect(session.querySelector('.zf-recalibrate')).toBeNull();

    const mock = await mounted('mockParameters');
    expect(mock.textContent).toMatch(/reported .*LSB per chunk read/);
    const pictures = await mounted('chipPictures');
    expect(pictures.querySelectorAll('svg').length).toBeGreaterThanOrEqual(3); // sweep + two spread histograms
    expect(pictures.querySelectorAll('.zf-after path').length).toBe(8);
  });

  it('a refused calibration shows its reason and a button that recalibrates (calibration = fresh)', async () => {
    notebook = createNotebook([...parameterCells, ...environmentCells, ...modelCells, ...pageCells], host);
    await notebook.set('chipId', 2);
    await notebook.set('trainSize', 1000);
    const session = await mounted('session', (el) => el.querySelector('.zf-session') !== null);
    expect(session.querySelector('[role="alert"]')!.textContent).toMatch(/refused: .*measured on chip 1, but this session's chip is 2/);
    (session.querySelector('.zf-recalibrate') as HTMLButtonElement).click();
    expect(await notebook.value('calibration')).toBe('fresh');
    for (let i = 0; i < 500 && session.querySelector('.zf-session')?.getAttribute('data-calibrated') !== 'true'; i++) await new Promise((r) => setTimeout(r, 10));
    expect(session.textContent).toMatch(/measured just now, created .* h old/);
    expect(session.querySelector('.zf-recalibrate')).toBeNull();
  });
});
