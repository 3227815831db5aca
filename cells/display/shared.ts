/**
 * What every section's display cells share: the reader's language, the column width for figures, the
 * test split (it loads before the training split, so digits and predictions can appear early), and
 * `throttledRoot`, which keeps busy cells (a training run updates them at every batch) from starving
 * the drawing canvas.
 */
import type { Split } from '../../lib/data/types';
import type { CellSpec } from '../../lib/runtime/cell';
import { observe } from '../../lib/runtime/generators';
import type { Host } from '../../lib/runtime/host';
import type { Lang } from '../../lib/ui/i18n';

/** Figures never get narrower or wider than this (CSS px). */
export const MIN_FIGURE_WIDTH = 280;
export const MAX_FIGURE_WIDTH = 760;

/** The page language: the host's, else the document's `<html lang>`, else English. */
export function langOf(host: Host, doc: Document | undefined): Lang {
  const fromHost = (host as { lang?: unknown }).lang;
  if (fromHost === 'de' || fromHost === 'en') return fromHost;
  return doc?.documentElement.lang === 'de' ? 'de' : 'en';
}

/** A figure width for a column `columnWidth` px wide: clamped and rounded down to 20 px steps, so small resizes redraw nothing. */
export function figureWidth(columnWidth: number): number {
  if (!Number.isFinite(columnWidth)) throw new RangeError(`columnWidth must be a finite number of CSS px, got ${columnWidth}`);
  const clamped = Math.max(MIN_FIGURE_WIDTH, Math.min(MAX_FIGURE_WIDTH, columnWidth));
  return clamped === MIN_FIGURE_WIDTH ? clamped : Math.max(MIN_FIGURE_WIDTH, Math.floor(clamped / 20) * 20);
}

/** How long a throttled cell waits before it draws again, and whether it must draw at once. */
export function nextRenderDelay(lastRenderAt: number, now: number, intervalMs: number, keyChanged: boolean): number {
  if (!(intervalMs >= 0)) throw new RangeError(`intervalMs must be a number ≥ 0, got ${intervalMs}`);
  if (keyChanged) return 0;
  return Math.max(0, lastRenderAt + intervalMs - now);
}

interface ThrottleState {
  key: string;
  renderedAt: number;
  timer: ReturnType<typeof setTimeout> | null;
  draw: (root: HTMLElement) => Node;
}
const throttleStates = new WeakMap<Element, ThrottleState>();

/**
 * A cell root kept across the cell's re-runs (pass the cell's `this`, the runtime's previous value) whose
 * content is redrawn by `draw()` at most every `intervalMs`, always ending with the newest inputs. A new
 * `key` (the run's state, its epoch count, …) draws at once.
 */
export function throttledRoot(previous: unknown, className: string, key: string, intervalMs: number, draw: (root: HTMLElement) => Node): HTMLElement {
  const state = previous instanceof Element ? throttleStates.get(previous) : undefined;
  const root = state ? (previous as HTMLElement) : document.createElement('div');
  const drawNow = () => {
    const s = throttleStates.get(root)!;
    s.timer = null;
    s.renderedAt = performance.now();
    try {
      root.replaceChildren(s.draw(root));
      root.removeAttribute('data-error');
    } catch (error) {
      root.setAttribute('data-error', '');
      root.textContent = (error as Error).message;
    }
  };
  if (!state) {
    root.className = className;
    throttleStates.set(root, { key, renderedAt: -Infinity, timer: null, draw });
    drawNow();
    return root;
  }
  const keyChanged = state.key !== key;
  state.key = key;
  state.draw = draw;
  const delay = nextRenderDelay(state.renderedAt, performance.now(), intervalMs, keyChanged);
  if (delay === 0) {
    if (state.timer !== null) clearTimeout(state.timer);
    drawNow();
  } else if (state.timer === null) {
    state.timer = setTimeout(drawNow, delay);
  }
  return root;
}

export const sharedCells: CellSpec[] = [
  { name: 'lang', inputs: ['host'], define: (host: Host) => langOf(host, globalThis.document) },
  {
    // Observable's `width`: the width figures should take, following the page column.
    name: 'width',
    inputs: [],
    define: () =>
      observe<number>((change) => {
        const column = document.getElementById('notebook') ?? document.body;
        let last = NaN;
        const measure = () => {
          const style = getComputedStyle(column);
          const next = figureWidth(column.clientWidth - parseFloat(style.paddingLeft || '0') - parseFloat(style.paddingRight || '0'));
          if (next !== last) change((last = next));
        };
        measure();
        const resize = new ResizeObserver(measure);
        resize.observe(column);
        return () => resize.disconnect();
      }),
  },
  {
    name: 'testSet',
    inputs: ['host'],
    define: (host: Host): Promise<Split> => {
      const early = (host as { loadTestSplit?: () => Promise<Split> }).loadTestSplit;
      return typeof early === 'function' ? early.call(host) : host.loadDataset().then((dataset) => dataset.test);
    },
  },
];
