// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { announce, answerSentence, emptyPredictions, isBlank, predictionsList, rankDigits } from '../../lib/ui/predictions';
import { chipView } from '../../lib/ui/chipView';

describe('predictionsList', () => {
  it('lists the top 5 digits, top-1 first, with data-digit and integer data-score', () => {
    const logits = [3.2, -10, 41.6, 7, 0, 12.4, -3, 55.5, 12.4, 1];
    const el = predictionsList(logits, { cell: 'predictions' });
    expect(el.getAttribute('data-cell')).toBe('predictions');
    const items = [...el.querySelectorAll('ol > li')];
    expect(items.length).toBe(5);
    expect(items.map((li) => li.getAttribute('data-digit'))).toEqual(['7', '2', '5', '8', '3']);
    expect(items.map((li) => li.getAttribute('data-score'))).toEqual(['56', '42', '12', '12', '7']);
    expect(items[0].textContent).toBe('7(56)');
    expect(el.querySelector('.zf-score-note')!.textContent).toMatch(/−128 to 127.*not percentages/);
    expect(el.querySelector('h3')!.textContent).toBe('Result');
    expect(predictionsList(logits, { lang: 'de' }).querySelector('h3')!.textContent).toBe('Ergebnis');
    expect(predictionsList(logits).hasAttribute('data-cell')).toBe(false);
  });

  it('shows the top-1 spread over noisy runs as proportional segments', () => {
    const spread = [0, 0, 0, 0, 0, 0, 0, 15, 0, 5];
    const el = predictionsList(new Float32Array(10), { spread });
    const segments = [...el.querySelectorAll('.zf-spread-bar > span')] as HTMLElement[];
    expect(segments.map((s) => s.dataset.digit)).toEqual(['7', '9']);
    expect(segments.map((s) => s.style.flexGrow)).toEqual(['15', '5']);
    expect(el.querySelector('.zf-spread-bar')!.getAttribute('aria-label')).toBe('Which digit wins in 20 runs with fresh noise: 7: 15, 9: 5');
  });

  it('rejects logits of the wrong length or with NaN, and bad spreads', () => {
    expect(() => predictionsList([1, 2, 3])).toThrow(/logits/);
    expect(() => rankDigits([NaN, 0, 0, 0, 0, 0, 0, 0, 0, 0])).toThrow(/logits\[0\]/);
    expect(() => predictionsList(new Float32Array(10), { spread: [1, 2] })).toThrow(/spread/);
    expect(() => predictionsList(new Float32Array(10), { spread: [-1, 0, 0, 0, 0, 0, 0, 0, 0, 0] })).toThrow(/spread\[0\]/);
  });
});

describe('empty pad and announcements', () => {
  it('an empty pad gets an invitation, never a guess; the answer sentence names the model', () => {
    expect(isBlank(new Float32Array(784))).toBe(true);
    const image = new Float32Array(784); image[300] = 1;
    expect(isBlank(image)).toBe(false);
    const empty = emptyPredictions({ lang: 'de', source: 'Untrainiertes Modell' });
    expect(empty.querySelector('ol')).toBeNull();
    expect(empty.querySelector('.zf-empty')!.textContent).toBe('Male eine Ziffer – die Antwort erscheint hier.');
    expect(empty.querySelector('.zf-model-line')!.textContent).toBe('Untrainiertes Modell');
    const logits = [0, 0, 5, 0, 0, 0, 0, 9, 0, 0];
    expect(answerSentence(logits, 'en', 'Trained model')).toBe('Trained model: the answer is 7, then 2.');
    const region = announce(document, 'trained', 'x');
    expect(region.getAttribute('aria-live')).toBe('polite');
    expect(announce(document, 'trained', 'y')).toBe(region);
    expect(region.textContent).toBe('y');
  });
});

describe('chipView', () => {
  it('draws one square per input at 31 and updates', () => {
    const image = new Float32Array(784);
    image[0] = 1; image[29] = 0.8; image[30] = 0.3;
    const view = chipView(image);
    expect(view.querySelector('path')!.getAttribute('d')).toBe('M0 0h1v1h-1zM1 1h1v1h-1z');
    expect(view.input[29]).toBe(31);
    view.update(new Float32Array(784));
    expect(view.querySelector('path')!.getAttribute('d')).toBe('');
    expect(view.querySelector('figcaption')!.textContent).toMatch(/What the chip sees/);
  });
});
