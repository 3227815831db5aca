// @vitest-environment jsdom
/** The presets section's display cells (cells/presets.ts): status line, side-by-side table, the pad's model sentence. */
import { describe, expect, it } from 'vitest';
import { architectureText, padModelText, presetComparisonView, presetStatusView } from '../../cells/presets';
import { buildModel } from '../../lib/hagen/model';
import { summaryOf } from '../../lib/precompute/files';
import type { PretrainedRun } from '../../lib/precompute/lookup';
import { presetMatch, presetValues } from '../../lib/presets';
import type { TrainProgress } from '../../lib/train/train';

const mock = { noiseStd: 2, gain: 0.002 };

function run(accuracy: number, conv: boolean): PretrainedRun {
  const model = conv
    ? buildModel({ hidden: 128, layers: 1, shift: 1, conv: 12, convKernel: 9, convStride: 3 }, { backend: 'mock', mock, seed: 1 })
    : buildModel({ hidden: 256, layers: 2, shift: 1 }, { backend: 'mock', mock, seed: 1 });
  const confusion = Array.from({ length: 10 }, (_, t) => Array.from({ length: 10 }, (_, p) => (t === p ? 90 + t : t === 6 && p === 8 ? 30 : 1)));
  const epoch = { epoch: 1, trainLoss: 0.01, trainAccuracy: 0.9, testAccuracy: accuracy, seconds: 2.5, backend: 'mock', confusion };
  const progress = { state: 'done', epoch: 1, batch: 1, batchesPerEpoch: 1, loss: 0.01, samplesPerSecond: 0, losses: [], epochs: [epoch], model } as TrainProgress;
  return { source: 'precomputed', label: '', progress };
}

describe('presets section', () => {
  it('says whether the settings match and which changed, in both languages', () => {
    const values = { ...presetValues('recommended'), epochs: 3 };
    const el = presetStatusView('en', presetMatch('recommended', values));
    expect(el.dataset.matches).toBe('false');
    // changed parameters by their label in the reader's language, the code name in small print
    expect(el.textContent).toMatch(/Changed from the settings of the recommended model: Epochs \(epochs\)/);
    expect(el.querySelector('small code')?.textContent).toBe('epochs');
    expect(presetStatusView('de', presetMatch('recommended', values)).textContent).toMatch(/Geändert gegenüber den Einstellungen für das empfohlene Modell: Epochen \(epochs\)\./);
    expect(presetStatusView('de', presetMatch('tutorial', presetValues('tutorial'))).textContent).toBe('Das sind die Einstellungen für das Modell des Tutorials.');
  });

  it('shows both models side by side with their accuracy, weakest digits and architecture', () => {
    const summary = (r: PretrainedRun) => summaryOf(r.progress);
    const table = presetComparisonView('en', [{ preset: 'tutorial', run: summary(run(0.8468, false)) }, { preset: 'recommended', run: summary(run(0.9756, true)) }]);
    const accuracy = [...table.querySelectorAll<HTMLElement>('.zf-preset-accuracy td')].map((td) => td.textContent);
    expect(accuracy).toEqual(['84.7 %', '97.6 %']);
    expect(table.textContent).toContain('conv 12×(9×9, stride 3) → 128 → 10');
    expect(table.textContent).toContain('784 → 256 → 256 → 10');
    expect(table.textContent).toMatch(/6: 7\d\.\d %/); // the 6s read as 8 are the weakest digit
    const missing = presetComparisonView('de', [{ preset: 'tutorial', run: null }, { preset: 'recommended', run: null }]);
    expect(missing.textContent).toContain('in diesem Build nicht vorberechnet');
  });

  it('names the model the pad uses and where it came from', () => {
    const recommended = run(0.9756, true);
    expect(padModelText('en', presetMatch('recommended', presetValues('recommended')), recommended, recommended.progress))
      .toBe('The pad uses the recommended model (trained when the site was built, 97.6 % on the test set).');
    expect(padModelText('de', presetMatch('recommended', { ...presetValues('recommended'), lr: 0.1 }), null, null))
      .toBe('Das Feld nutzt ein Modell mit deinen eigenen Einstellungen (wird hier trainiert).');
    expect(architectureText(recommended.progress.model)).toBe('conv 12×(9×9, stride 3) → 128 → 10');
  });
});
