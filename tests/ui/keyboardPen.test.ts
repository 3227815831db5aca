// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { GRID } from '../../lib/draw/raster';
import { drawingPad } from '../../lib/ui/drawing';

const key = (target: Element, k: string, extra: KeyboardEventInit = {}) => target.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true, ...extra }));

describe('keyboard pen', () => {
  it('draws a vertical stroke with the arrow keys and Space, shows a cursor, erases with the eraser', () => {
    const pad = drawingPad({ lang: 'de' });
    document.body.append(pad);
    const canvas = pad.querySelector('canvas')!;
    canvas.focus();
    const cursor = pad.querySelector('.zf-pen-cursor') as HTMLElement;
    expect(cursor.hidden).toBe(false);
    for (let i = 0; i < 8; i++) key(canvas, 'ArrowUp');
    expect(pad.raster.reduce((a, b) => a + b, 0)).toBe(0); // pen lifted: moving paints nothing
    key(canvas, ' ');
    expect(cursor.dataset.down).toBe('true');
    expect(pad.querySelector('.zf-status')!.textContent).toMatch(/^Stift aufgesetzt bei Zeile 7, Spalte 15/);
    for (let i = 0; i < 14; i++) key(canvas, 'ArrowDown');
    key(canvas, ' ');
    // a 2-cell-wide line from row 6 to row 21 in columns 14–15
    const inked = [...pad.raster.keys()].filter((i) => pad.raster[i]);
    expect(new Set(inked.map((i) => i % GRID))).toEqual(new Set([14, 15]));
    expect(Math.min(...inked.map((i) => Math.floor(i / GRID)))).toBe(6);
    expect(Math.max(...inked.map((i) => Math.floor(i / GRID)))).toBe(21);
    // the eraser tool (E) erases where the lowered pen goes
    key(canvas, 'e');
    key(canvas, ' ');
    for (let i = 0; i < 15; i++) key(canvas, 'ArrowUp');
    expect(pad.raster.reduce((a, b) => a + b, 0)).toBe(0);
    pad.remove();
  });
});
