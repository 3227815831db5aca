// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FRAME_CENTRE, centreOfMass } from '../../lib/draw/preprocess';
import { PIXELS } from '../../lib/draw/raster';
import { drawingPad, type DrawingPad } from '../../lib/ui/drawing';

function mount(pad: DrawingPad): HTMLCanvasElement {
  document.body.append(pad);
  const canvas = pad.querySelector('canvas')!;
  // jsdom does no layout: give the canvas its 280×280 box at (0, 0)
  canvas.getBoundingClientRect = () => ({ left: 0, top: 0, width: 280, height: 280, right: 280, bottom: 280, x: 0, y: 0, toJSON() {} });
  return canvas;
}

function pointer(canvas: HTMLCanvasElement, type: string, x: number, y: number, extra: PointerEventInit = {}) {
  canvas.dispatchEvent(new PointerEvent(type, { clientX: x, clientY: y, pointerId: 1, pointerType: 'mouse', button: 0, buttons: 1, bubbles: true, ...extra }));
}

function drawLine(canvas: HTMLCanvasElement, from: [number, number], to: [number, number]) {
  pointer(canvas, 'pointerdown', ...from);
  pointer(canvas, 'pointermove', ...to);
  pointer(canvas, 'pointerup', ...to);
}

afterEach(() => { document.body.innerHTML = ''; });

describe('drawingPad', () => {
  it('has a 280×280 canvas, tools, digit buttons and the chip view; data-cell only on request', () => {
    const pad = drawingPad({ sampleDigit: () => null });
    const canvas = mount(pad);
    expect(canvas.style.width).toBe('280px');
    expect(canvas.style.touchAction).toBe('none');
    expect(pad.querySelectorAll('canvas').length).toBe(1);
    expect([...pad.querySelectorAll('.zf-sample')].map((b) => b.textContent)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(pad.querySelector('.zf-chipview')).not.toBeNull();
    expect(pad.hasAttribute('data-cell')).toBe(false);
    expect(drawingPad({ cell: 'drawing' }).getAttribute('data-cell')).toBe('drawing');
    expect(drawingPad().querySelector('.zf-samples')).toBeNull();
  });

  it('a pointer stroke inks the raster and emits the prepared image (onImage + input event)', () => {
    const images: Float32Array[] = [];
    const pad = drawingPad({ onImage: (img) => images.push(img), preprocess: false });
    const canvas = mount(pad);
    let inputs = 0;
    pad.addEventListener('input', () => inputs++);
    drawLine(canvas, [50, 50], [50, 200]);
    // column round(5) → cells 4 and 5, rows 4..20
    expect(pad.raster[10 * 28 + 4]).toBe(1);
    expect(pad.raster[10 * 28 + 5]).toBe(1);
    expect(pad.raster[10 * 28 + 7]).toBe(0);
    expect(images.length).toBeGreaterThanOrEqual(1);
    expect(inputs).toBe(images.length);
    const last = images[images.length - 1];
    expect(last.length).toBe(PIXELS);
    expect(last[10 * 28 + 4]).toBe(1);
    expect(pad.value).toBe(last);
  });

  it('centres the drawing like MNIST when preprocess is on, and can switch it off', () => {
    const pad = drawingPad();
    const canvas = mount(pad);
    drawLine(canvas, [30, 30], [30, 150]);
    const com = centreOfMass(pad.value)!;
    expect(Math.abs(com.x - FRAME_CENTRE)).toBeLessThanOrEqual(0.5);
    pad.preprocess = false;
    expect(centreOfMass(pad.value)!.x).toBeLessThan(4);
    expect(() => { pad.preprocess = 'yes' as unknown as boolean; }).toThrow(/preprocess/);
  });

  it('the eraser removes ink; clear empties the pad', () => {
    const pad = drawingPad({ preprocess: false });
    const canvas = mount(pad);
    drawLine(canvas, [100, 100], [200, 100]);
    expect(pad.raster[10 * 28 + 15]).toBe(1);
    (pad.querySelector('.zf-tool-eraser') as HTMLButtonElement).click();
    expect(pad.tool).toBe('eraser');
    expect(pad.querySelector('.zf-tool-eraser')!.getAttribute('aria-pressed')).toBe('true');
    drawLine(canvas, [150, 100], [150, 100]);
    expect(pad.raster[9 * 28 + 14]).toBe(0);
    expect(pad.raster[10 * 28 + 11]).toBe(1);
    (pad.querySelector('.zf-clear') as HTMLButtonElement).click();
    expect(pad.raster.every((v) => v === 0)).toBe(true);
  });

  it('digit buttons paste a sample of that class, and say so when none is loaded', () => {
    const asked: number[] = [];
    const sample = new Uint8Array(PIXELS);
    sample[14 * 28 + 14] = 1;
    const pad = drawingPad({ preprocess: false, sampleDigit: (d) => { asked.push(d); return d === 3 ? sample : null; } });
    mount(pad);
    (pad.querySelector('.zf-sample[data-digit="3"]') as HTMLButtonElement).click();
    expect(asked).toEqual([3]);
    expect([...pad.raster]).toEqual([...sample]);
    (pad.querySelector('.zf-sample[data-digit="5"]') as HTMLButtonElement).click();
    expect(pad.querySelector('.zf-status')!.textContent).toMatch(/not loaded/);
    expect([...pad.raster]).toEqual([...sample]);
  });

  it('stop pauses emission; start emits the current image once', () => {
    const onImage = vi.fn();
    const pad = drawingPad({ onImage, lang: 'de' });
    const canvas = mount(pad);
    const liveButton = pad.querySelector('.zf-live') as HTMLButtonElement;
    expect(liveButton.textContent).toBe('Erkennung stoppen');
    liveButton.click();
    expect(pad.live).toBe(false);
    expect(liveButton.getAttribute('aria-pressed')).toBe('false');
    drawLine(canvas, [100, 100], [100, 200]);
    expect(onImage).not.toHaveBeenCalled();
    liveButton.click();
    expect(onImage).toHaveBeenCalledTimes(1);
    expect(liveButton.textContent).toBe('Erkennung stoppen');
  });

  it('keyboard: Delete clears, E/P switch tools, digits paste samples', () => {
    const sample = new Uint8Array(PIXELS).fill(1);
    const pad = drawingPad({ sampleDigit: () => sample, preprocess: false });
    const canvas = mount(pad);
    const key = (k: string) => canvas.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true }));
    key('7');
    expect(pad.raster.every((v) => v === 1)).toBe(true);
    key('e');
    expect(pad.tool).toBe('eraser');
    key('p');
    expect(pad.tool).toBe('pen');
    key('Delete');
    expect(pad.raster.every((v) => v === 0)).toBe(true);
  });

  it('the chip view shows the 5-bit input of what was drawn', () => {
    const pad = drawingPad({ preprocess: false });
    const canvas = mount(pad);
    drawLine(canvas, [100, 100], [100, 100]);
    const label = pad.querySelector('.zf-chipview svg')!.getAttribute('aria-label');
    expect(label).toMatch(/ 4 of 784 inputs at 31/);
  });

  it('rejects bad options, naming them', () => {
    expect(() => drawingPad({ lineWidth: 0 })).toThrow(/lineWidth/);
    expect(() => drawingPad({ lang: 'xx' as 'en' })).toThrow(/lang/);
    expect(() => drawingPad({ onImage: 3 as unknown as () => void })).toThrow(/onImage/);
  });
});

describe('drawingPad: strokes written like MNIST', () => {
  /** A "7" drawn with the mouse: top bar, then the diagonal, many samples per segment. */
  function drawSeven(canvas: HTMLCanvasElement, x: number, y: number, size: number) {
    const pts: [number, number][] = [[x, y], [x + 0.6 * size, y], [x + 0.2 * size, y + size]];
    pointer(canvas, 'pointerdown', ...pts[0]);
    for (let k = 1; k < pts.length; k++) {
      for (let i = 1; i <= 12; i++) pointer(canvas, 'pointermove', pts[k - 1][0] + ((pts[k][0] - pts[k - 1][0]) * i) / 12, pts[k - 1][1] + ((pts[k][1] - pts[k - 1][1]) * i) / 12);
    }
    pointer(canvas, 'pointerup', ...pts[2]);
  }

  it('keeps strokes at screen resolution (not snapped to cells) and offers both ways of drawing', () => {
    const pad = drawingPad();
    const canvas = mount(pad);
    expect(pad.mode).toBe('strokes');
    drawSeven(canvas, 33, 47, 100);
    expect(pad.strokes).toHaveLength(1);
    expect(pad.strokes[0][0].x).toBeCloseTo(3.3, 9);
    expect(pad.strokes[0][0].y).toBeCloseTo(4.7, 9);
    expect([...pad.querySelectorAll('.zf-mode option')].map((o) => (o as HTMLOptionElement).value)).toEqual(['strokes', 'grid']);
    expect(pad.querySelectorAll('canvas')).toHaveLength(1); // the steps are SVG: `[data-cell] canvas` is the pad
  });

  it('gives the chip the same input for a thin and a thick pen, and for a small digit in a corner and a big one', () => {
    const inputs: number[][] = [];
    for (const [width, x, y, size] of [[1, 20, 20, 60], [5, 20, 20, 60], [2, 80, 30, 220]] as const) {
      document.body.innerHTML = '';
      const pad = drawingPad({ lineWidth: width });
      drawSeven(mount(pad), x, y, size);
      inputs.push([...pad.value]);
      expect(pad.value.reduce((a, b) => a + b, 0)).toBeGreaterThan(40);
    }
    expect(inputs[1]).toEqual(inputs[0]);
    const differing = inputs[2].filter((v, i) => v !== inputs[0][i]).length;
    expect(differing).toBeLessThanOrEqual(12); // same shape; a few edge pixels differ with the pointer samples
  });

  it('shows the steps (as drawn → fitted → chip) with German labels, and says when centring is off', () => {
    const pad = drawingPad({ lang: 'de' });
    drawSeven(mount(pad), 20, 20, 60);
    const titles = () => [...pad.querySelectorAll('.zf-steps figcaption strong')].map((s) => s.textContent);
    expect(titles()).toEqual(['Wie gemalt', 'Eingepasst und zentriert', 'Was der Chip sieht']);
    expect(pad.querySelector('.zf-steps path')!.getAttribute('d')).not.toBe('');
    pad.preprocess = false;
    expect(titles()[1]).toBe('Nicht zentriert');
    expect(pad.querySelector('.zf-mode option')!.textContent).toBe('glatte Striche, wie MNIST');
  });

  it('addStroke takes a polyline (e.g. from a keyboard pen); switching modes keeps the drawing', () => {
    const pad = drawingPad({ preprocess: false });
    mount(pad);
    pad.addStroke([{ x: 14, y: 4 }, { x: 14, y: 24 }]);
    expect(pad.raster[14 * 28 + 13]).toBe(1);
    expect(() => pad.addStroke([{ x: 1, y: NaN }])).toThrow(/stroke\[0\]\[0\] must have finite x and y/);
    pad.mode = 'grid';
    expect(pad.raster[14 * 28 + 13]).toBe(1);
    expect(pad.strokes).toEqual([]);
    pad.mode = 'strokes';
    expect(pad.raster[14 * 28 + 13]).toBe(1);
    expect(() => { pad.mode = 'paint' as 'grid'; }).toThrow(/mode must be one of strokes, grid/);
    expect(() => { pad.penWidth = 9; }).toThrow(/penWidth must be a number greater than 0 and at most 6/);
  });

  it('the eraser cuts strokes where it touches them', () => {
    const pad = drawingPad({ preprocess: false });
    const canvas = mount(pad);
    drawLine(canvas, [100, 100], [200, 100]);
    pad.tool = 'eraser';
    drawLine(canvas, [150, 100], [150, 100]);
    expect(pad.strokes).toHaveLength(2);
    expect(pad.raster[10 * 28 + 15]).toBe(0);
    expect(pad.raster[10 * 28 + 11]).toBe(1);
  });
});
