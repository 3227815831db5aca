/**
 * Figures that follow the page column and cells that redraw at most so often: `figureWidth` (the width
 * a figure takes in a column), `watchColumnWidth` (the page column's width, as it changes) and
 * `throttledRoot`, which keeps busy cells (a training run updates them several times a second) from starving the
 * drawing canvas. These throttle redraws only: which training progress reaches the cells at all is decided once,
 * by lib/train/progress.ts (the one progress rule, the same in every host).
 */

/** Figures never get narrower or wider than this (CSS px). */
const MIN_FIGURE_WIDTH = 280;
const MAX_FIGURE_WIDTH = 760;

/** A figure width for a column `columnWidth` px wide: clamped and rounded down to 20 px steps, so small resizes redraw nothing. */
export function figureWidth(columnWidth: number): number {
  if (!Number.isFinite(columnWidth)) throw new RangeError(`columnWidth must be a finite number of CSS px, got ${columnWidth}`);
  const clamped = Math.max(MIN_FIGURE_WIDTH, Math.min(MAX_FIGURE_WIDTH, columnWidth));
  return clamped === MIN_FIGURE_WIDTH ? clamped : Math.max(MIN_FIGURE_WIDTH, Math.floor(clamped / 20) * 20);
}

/** Calls `change` with the figure width of the page column (`#notebook`, else the body) now and whenever it changes; returns the stop. */
export function watchColumnWidth(doc: Document, change: (width: number) => void): () => void {
  const column = doc.getElementById('notebook') ?? doc.body;
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
