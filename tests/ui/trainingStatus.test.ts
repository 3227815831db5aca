// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest';
import { progressFraction, trainingStatus } from '../../lib/ui/trainingStatus';
import { CSS, injectStyles } from '../../lib/ui/styles';

const running = { state: 'running' as const, epoch: 2, epochs: 4, batch: 150, batchesPerEpoch: 300, loss: 0.0123, samplesPerSecond: 3400 };

describe('trainingStatus', () => {
  it('carries data-state and data-epoch, a progress bar and the facts', () => {
    const onStop = vi.fn();
    const el = trainingStatus(running, { onStop, cell: 'training' });
    expect(el.getAttribute('data-cell')).toBe('training');
    expect(el.getAttribute('data-state')).toBe('running');
    expect(el.getAttribute('data-epoch')).toBe('2');
    expect((el.querySelector('progress') as HTMLProgressElement).value).toBe(375); // (300 + 150) / 1200
    expect(el.querySelector('.zf-facts')!.textContent).toBe('epoch 2 of 4 · batch 150 of 300 · loss 0.0123 · 3,400 images/s');
    expect(el.querySelector('.zf-state')!.textContent).toBe('Training: 38 %');
    (el.querySelector('button.zf-stop') as HTMLButtonElement).click();
    expect(onStop).toHaveBeenCalledOnce();
  });

  it('shows every state; restart after the run; error text when failed', () => {
    const onRestart = vi.fn();
    for (const state of ['done', 'cancelled', 'error'] as const) {
      const el = trainingStatus({ ...running, state, error: state === 'error' ? 'out of memory' : undefined }, { onRestart, lang: 'de' });
      expect(el.getAttribute('data-state')).toBe(state);
      (el.querySelector('button.zf-restart') as HTMLButtonElement).click();
      // German page: a German sentence, the library's English message marked as English (screen readers, the language test)
      expect(el.querySelector('.zf-error')?.textContent ?? null).toBe(state === 'error' ? 'Die Meldung (englisch): out of memory' : null);
      if (state === 'error') expect(el.querySelector('.zf-error [lang="en"]')!.textContent).toBe('out of memory');
    }
    expect(trainingStatus({ ...running, state: 'error', error: 'out of memory' }).querySelector('.zf-error')!.textContent).toBe('out of memory');
    expect(onRestart).toHaveBeenCalledTimes(3);
    const idle = trainingStatus(null);
    expect(trainingStatus(null, { onRestart }).querySelector('button')!.textContent).toBe('Train');
    expect(idle.getAttribute('data-state')).toBe('idle');
    expect(idle.querySelector('button')).toBeNull();
  });

  it('says in words what happened: not started, done with accuracy, precomputed, not learning with the likely cause', () => {
    expect(trainingStatus(null, { lang: 'de' }).querySelector('.zf-state')!.textContent).toBe('Noch nicht trainiert');
    const done = trainingStatus({ ...running, state: 'done', epoch: 4, testAccuracy: 0.9712 }, { onRestart: () => {} });
    expect(done.querySelector('.zf-state')!.textContent).toBe('Done: test accuracy 97.1 %');
    expect(done.querySelector('button')!.textContent).toBe('Train again');
    const precomputed = trainingStatus({ ...running, state: 'done', epoch: 4, testAccuracy: 0.97, source: 'precomputed' }, { lang: 'de', onRestart: () => {} });
    expect(precomputed.querySelector('.zf-state')!.textContent).toBe('Vorberechnet: Testgenauigkeit 97 %');
    expect(precomputed.querySelector('button')!.textContent).toBe('In diesem Browser trainieren');
    const stuck = trainingStatus({ ...running, state: 'done', epoch: 4, loss: 0.078, testAccuracy: 0.098, notLearning: 'lrTooHigh' }, { lang: 'de' });
    expect(stuck.getAttribute('data-verdict')).toBe('not-learning');
    expect(stuck.querySelector('.zf-state')!.textContent).toBe('Lernt nicht: Testgenauigkeit 9,8 %, nicht besser als Raten (10 %)');
    expect(stuck.querySelector('.zf-not-learning')!.textContent).toMatch(/Lernrate ist zu groß/);
    expect(trainingStatus({ ...running, state: 'cancelled' }).querySelector('.zf-state')!.textContent).toBe('Stopped at 38 %');
  });

  it('progress fraction: 0 idle, 1 done, clamped in between', () => {
    expect(progressFraction({ ...running, state: 'idle' })).toBe(0);
    expect(progressFraction({ ...running, state: 'done' })).toBe(1);
    expect(progressFraction({ ...running, epoch: 9 })).toBe(1);
  });

  it('rejects unknown states and bad counts', () => {
    expect(() => trainingStatus({ ...running, state: 'paused' as 'idle' })).toThrow(/state/);
    expect(() => trainingStatus({ ...running, epochs: 0 })).toThrow(/epochs/);
    expect(() => trainingStatus({ ...running, batch: -1 })).toThrow(/batch/);
  });
});

describe('styles', () => {
  it('injects the stylesheet once', () => {
    const a = injectStyles(document);
    const b = injectStyles(document);
    expect(a).toBe(b);
    expect(document.querySelectorAll('style#zf-styles').length).toBe(1);
    expect(CSS).toContain(':focus-visible');
  });
});
