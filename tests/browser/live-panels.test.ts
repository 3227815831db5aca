// @vitest-environment jsdom
/**
 * Display cells that a training run updates several times a second keep their DOM: the chip-transfer panel
 * (cells/training.ts, lib/ui/chipTransfer.ts) is built once per setting, takes new weights without touching the page,
 * and marks a result measured with earlier weights instead of dropping it.
 */
import { describe, expect, it, vi } from 'vitest';
import { trainingCells } from '../../cells/training';
import { chooseCalibration, Lazy, lazyChip } from '../../lib/chip/session';
import type { Split } from '../../lib/data/types';
import { buildModel } from '../../lib/hagen/model';
import type { HagenModel } from '../../lib/hagen/types';

const cell = trainingCells.find((c) => c.name === 'chipTransfer')!;
const define = cell.define as (this: unknown, ...inputs: unknown[]) => HTMLElement;

function tinyModel(seed: number): HagenModel {
  return buildModel({ hidden: 8, layers: 1, shift: 1 }, { backend: 'mock', mock: { noiseStd: 2, gain: 0.002 }, seed });
}
const testSet: Split = { images: new Uint8Array(4 * 784).fill(1, 100, 500), labels: Uint8Array.from([1, 7, 1, 3]), count: 4 };
const chip = lazyChip(0);
const calibration = new Lazy(() => chooseCalibration(chip.value, 'none', null));

describe('chip transfer panel during training', () => {
  it('keeps its root and content while only the weights change, and rebuilds for other settings', () => {
    const first = define.call(undefined, tinyModel(1), testSet, chip, calibration, 1, 'en');
    const mutations: MutationRecord[] = [];
    const observer = new MutationObserver((records) => mutations.push(...records));
    document.body.append(first);
    observer.observe(first, { subtree: true, childList: true, attributes: true, characterData: true });
    for (let batch = 2; batch < 12; batch++) expect(define.call(first, tinyModel(batch), testSet, chip, calibration, 1, 'en')).toBe(first);
    mutations.push(...observer.takeRecords());
    expect(mutations).toEqual([]);
    const german = define.call(first, tinyModel(12), testSet, chip, calibration, 1, 'de');
    expect(german).not.toBe(first);
    expect(german.textContent).toMatch(/emulierten Chip/);
    observer.disconnect();
  });

  it('runs the newest weights on a click and marks the result once the weights move on', () => {
    vi.useFakeTimers();
    try {
      const root = define.call(undefined, tinyModel(1), testSet, chip, calibration, 1, 'en');
      define.call(root, tinyModel(2), testSet, chip, calibration, 1, 'en');
      root.querySelector<HTMLButtonElement>('.zf-transfer-run')!.click();
      vi.runAllTimers();
      const output = root.querySelector('.zf-transfer-result')!;
      expect(output.querySelectorAll('tr[data-target]')).toHaveLength(3);
      expect(output.hasAttribute('data-stale')).toBe(false);
      define.call(root, tinyModel(3), testSet, chip, calibration, 1, 'en');
      define.call(root, tinyModel(4), testSet, chip, calibration, 1, 'en');
      expect(output.hasAttribute('data-stale')).toBe(true);
      expect(output.querySelectorAll('tr[data-target]')).toHaveLength(3); // the result stays
      expect(output.querySelectorAll('.zf-plot-note')).toHaveLength(1); // said once
    } finally {
      vi.useRealTimers();
    }
  });
});
