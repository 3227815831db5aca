/**
 * Drawing without a pointer: the arrow keys move a pen over the 28 × 28 grid (a visible square shows
 * where), Space lowers or lifts it, and while it is down every move draws (with the eraser tool: erases).
 * Kept apart from the pointer code in drawing.ts: it only stamps the same raster through lib/draw.
 */
import { GRID, stamp, strokeSegment, type GridPoint } from '../draw/raster';
import { element } from './dom';
import { tr, type Lang } from './i18n';

export interface KeyboardPenOptions {
  raster: Uint8Array;
  lineWidth: number;
  lang: Lang;
  tool(): 'pen' | 'eraser';
  /** After the raster changed. */
  changed(): void;
  /** A short spoken/visible note ("pen down at row 5, column 14"). */
  say(text: string): void;
}

export interface KeyboardPen {
  readonly position: { column: number; row: number };
  readonly down: boolean;
  /** Handles a key; returns whether it was the pen's. */
  key(event: KeyboardEvent): boolean;
}

const MOVES: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

/** Pen over `canvas` (placed in `stage`, which gets the cursor square). Starts in the middle, lifted. */
export function keyboardPen(canvas: HTMLCanvasElement, stage: HTMLElement, options: KeyboardPenOptions): KeyboardPen {
  let column = 14, row = 14, down = false;
  const cursor = element('div', { class: 'zf-pen-cursor', 'aria-hidden': 'true', hidden: true });
  stage.append(cursor);
  const centre = (): GridPoint => ({ x: column + 0.5, y: row + 0.5 });
  const place = () => {
    cursor.hidden = false;
    const box = canvas.getBoundingClientRect();
    // relative to the cursor's containing block (the stage, or on phones the pad, when the stage is display: contents)
    const outer = (cursor.offsetParent ?? stage).getBoundingClientRect();
    const cell = (box.width || GRID * 10) / GRID;
    cursor.style.left = `${box.left - outer.left + canvas.clientLeft + column * cell}px`;
    cursor.style.top = `${box.top - outer.top + canvas.clientTop + row * cell}px`;
    cursor.style.width = cursor.style.height = `${cell * options.lineWidth}px`;
    cursor.dataset.down = String(down);
  };
  const where = () => tr(options.lang, { en: `row ${row + 1}, column ${column + 1}`, de: `Zeile ${row + 1}, Spalte ${column + 1}` });
  const paint = (from: GridPoint | null) => {
    const value = options.tool() === 'eraser' ? 0 : 1;
    const changed = from ? strokeSegment(options.raster, from, centre(), options.lineWidth, value) : stamp(options.raster, centre(), options.lineWidth, value);
    if (changed) options.changed();
  };
  canvas.addEventListener('focus', place);
  canvas.addEventListener('blur', () => { cursor.hidden = true; });
  return {
    get position() { return { column, row }; },
    get down() { return down; },
    key(event) {
      if (event.key in MOVES) {
        const [dx, dy] = MOVES[event.key];
        const step = event.shiftKey ? 4 : 1;
        const from = centre();
        column = Math.max(0, Math.min(GRID - options.lineWidth, column + dx * step));
        row = Math.max(0, Math.min(GRID - options.lineWidth, row + dy * step));
        if (down) paint(from);
        place();
        return true;
      }
      if (event.key === ' ' || event.key === 'Spacebar') {
        down = !down;
        if (down) paint(null);
        place();
        options.say(down
          ? tr(options.lang, { en: `Pen down at ${where()}: the arrow keys draw.`, de: `Stift aufgesetzt bei ${where()}: die Pfeiltasten malen.` })
          : tr(options.lang, { en: `Pen lifted at ${where()}.`, de: `Stift abgehoben bei ${where()}.` }));
        return true;
      }
      return false;
    },
  };
}
