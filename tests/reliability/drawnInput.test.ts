// @vitest-environment jsdom
/**
 * Drawn input: an empty canvas, a fully black canvas and a single dot go through the drawing pad
 * (lib/ui/drawing + lib/draw preprocessing, with and without MNIST centring), predict() on every backend,
 * and the predictions list — which always renders five ranked digits with finite scores.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createChip } from '../../lib/chip/chip';
import { fastEngine } from '../../lib/hagen/fast/index';
import { buildModel } from '../../lib/hagen/model';
import { predict } from '../../lib/hagen/predict';
import type { Backend } from '../../lib/hagen/types';
import { Rng } from '../../lib/random';
import { drawingPad, type DrawingPad } from '../../lib/ui/drawing';
import { predictionsList } from '../../lib/ui/predictions';

type Drawing = 'empty' | 'black' | 'dot';

function mountPad(preprocess: boolean): { pad: DrawingPad; canvas: HTMLCanvasElement } {
  const pad = drawingPad({ preprocess, sampleDigit: () => null });
  document.body.append(pad);
  const canvas = pad.querySelector('canvas')!;
  canvas.getBoundingClientRect = () => ({ left: 0, top: 0, width: 280, height: 280, right: 280, bottom: 280, x: 0, y: 0, toJSON() {} });
  return { pad, canvas };
}

function draw(pad: DrawingPad, canvas: HTMLCanvasElement, drawing: Drawing): void {
  pad.clear();
  if (drawing === 'black') pad.paste(new Float32Array(784).fill(1));
  if (drawing === 'dot') {
    // one click, no movement: a single pen stamp near the top-left corner
    const at = { clientX: 33, clientY: 47, pointerId: 1, pointerType: 'mouse', button: 0, buttons: 1, bubbles: true };
    canvas.dispatchEvent(new PointerEvent('pointerdown', at));
    canvas.dispatchEvent(new PointerEvent('pointerup', at));
  }
}

const INK: Record<Drawing, (ink: number) => boolean> = {
  empty: (ink) => ink === 0,
  black: (ink) => ink > 300,
  dot: (ink) => ink > 0 && ink <= 400,
};

afterEach(() => {
  document.body.innerHTML = '';
});

describe('drawn input edge cases still give predictions', () => {
  const chip = createChip(1);
  const cases: [Drawing, boolean, Backend][] = [];
  for (const drawing of ['empty', 'black', 'dot'] as const) {
    for (const preprocess of [true, false]) for (const backend of ['mock', 'ideal', 'chip'] as const) cases.push([drawing, preprocess, backend]);
  }
  it.each(cases)('%s canvas, centring %s, %s backend: five ranked digits with finite scores', (drawing, preprocess, backend) => {
    const { pad, canvas } = mountPad(preprocess);
    draw(pad, canvas, drawing);
    const image = pad.value;
    expect(image).toHaveLength(784);
    expect(image.every((v) => v === 0 || v === 1)).toBe(true);
    expect(INK[drawing](image.reduce((a, b) => a + b, 0))).toBe(true);

    const model = buildModel({ hidden: 32, layers: 2, shift: 1 }, { backend, mock: { noiseStd: 2, gain: 0.002 }, seed: 3 });
    const logits = predict(model, image, new Rng(5), chip, fastEngine);
    expect(logits).toHaveLength(10);
    expect(logits.every(Number.isFinite)).toBe(true);

    const list = predictionsList(logits, { lang: 'en' });
    const items = [...list.querySelectorAll('ol li')];
    expect(items).toHaveLength(5);
    const digits = items.map((li) => Number(li.getAttribute('data-digit')));
    const scores = items.map((li) => Number(li.getAttribute('data-score')));
    expect(new Set(digits).size).toBe(5);
    expect(scores.every(Number.isFinite)).toBe(true);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });
});
