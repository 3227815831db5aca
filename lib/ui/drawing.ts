/**
 * The drawing pad (280×280 CSS px). Readers draw a digit, erase, clear, paste a random test digit per
 * class, and start/stop live recognition. Two ways of drawing:
 * - `strokes` (default): the pointer's path is kept as polylines at screen resolution (lib/draw/pen.ts)
 *   and the chip's input is made from them like MNIST's images: fitted into 20×20 with a 2–3 px pen,
 *   centred by mass, binarised. The steps are shown next to the pad (lib/ui/drawingSteps.ts).
 * - `grid`: the tutorial's ZahlenMalen, painting cells of the 28×28 raster (lib/draw/raster.ts), then
 *   centred like MNIST (lib/draw/preprocess.ts) when `preprocess` is on.
 * A pasted test digit is a bitmap: it is kept in the raster, and strokes drawn on it are added as cells.
 * Strokes are a plain list of polylines (grid units), so any pen (mouse, touch, stylus, a keyboard pen
 * through `addStroke`) only has to produce points.
 *
 * The element is an Observable view: `.value` is the prepared image (784 floats, 0|1) and an `input`
 * event fires when it changes while live.
 */

import { eraseFromStrokes, renderStrokes, strokesToInput, checkStrokes, type Stroke } from '../draw/pen';
import { centreLikeMnist, prepareDrawing } from '../draw/preprocess';
import { DEFAULT_LINE_WIDTH, GRID, PIXELS, clientToGrid, createRaster, loadIntoRaster, rasterToImage, stamp, strokeSegment, type GridPoint } from '../draw/raster';
import { INK } from './chipView';
import { applyCell, element, uniqueId, type CellOption } from './dom';
import { drawingSteps } from './drawingSteps';
import { checkLang, tr, type Lang } from './i18n';
import { keyboardPen } from './keyboardPen';

/** `strokes`: MNIST-like strokes (default); `grid`: the tutorial's painting of 28×28 cells. */
export type PadMode = 'strokes' | 'grid';
const PAD_MODES: readonly PadMode[] = ['strokes', 'grid'];
/** Pen widths offered (cells of the 28×28 grid); the strokes pipeline writes every one alike. */
export const PEN_WIDTHS = [1, 2, 3, 5] as const;
/** Pointer samples closer than this (cells, ~1 CSS px) to the previous one are skipped. */
const MIN_STEP = 0.1;

const SCALE = 10;
const SIZE = GRID * SCALE;

interface DrawingPadOptions extends CellOption {
  lang?: Lang;
  /** A random binarised test image (784 values 0|1) of class `digit`, or null while none is available. */
  sampleDigit?: (digit: number) => Uint8Array | null;
  /** Called with the prepared image whenever it changes while live recognition runs. */
  onImage?: (image: Float32Array) => void;
  /** MNIST-style centring (default true; the `preprocess` parameter). */
  preprocess?: boolean;
  /** Pen width in cells (default 2, as in the tutorial). */
  lineWidth?: number;
  /** How the pad draws (default `strokes`). */
  mode?: PadMode;
  /** Start with live recognition running (default true, like the tutorial). */
  live?: boolean;
}

export type DrawingPad = HTMLElement & {
  /** The prepared image the model sees (784 floats, 0|1). */
  readonly value: Float32Array;
  /** The drawing as 28×28 cells (0|1): in grid mode the painted raster, else the strokes (and any pasted digit) as drawn. */
  readonly raster: Uint8Array;
  /** The strokes drawn since the last clear or paste (copies; grid units, 0..28 across the pad). */
  readonly strokes: Stroke[];
  /** The images along the way: as drawn and fitted (grey, 0..1), and the chip's input (0|1). */
  readonly steps: { drawn: Float32Array; fitted: Float32Array; input: Float32Array };
  preprocess: boolean;
  mode: PadMode;
  /** Pen width in cells (1–6). */
  penWidth: number;
  /** Add a finished stroke (points in grid units), as a pointer would; e.g. from a keyboard pen. */
  addStroke(stroke: Stroke): void;
  live: boolean;
  tool: 'pen' | 'eraser';
  clear(): void;
  paste(image: ArrayLike<number>): void;
};

const TEXT = {
  pen: { en: 'Pen', de: 'Stift' },
  eraser: { en: 'Eraser', de: 'Radierer' },
  clear: { en: 'Clear', de: 'Löschen' },
  start: { en: 'Start recognition', de: 'Erkennung starten' },
  stop: { en: 'Stop recognition', de: 'Erkennung stoppen' },
  tools: { en: 'Drawing tools', de: 'Malwerkzeuge' },
  samples: { en: 'Paste a test digit:', de: 'Testziffer einfügen:' },
  sampleLabel: { en: 'Paste a random test image of a ', de: 'Zufälliges Testbild einer ' },
  canvas: {
    en: 'Drawing area, 28 × 28 pixels. Draw a digit with mouse, pen or finger, or with the keys: arrow keys move the pen, Space puts it down or lifts it, Delete clears, P pen, E eraser, 0–9 paste a test digit.',
    de: 'Malfläche, 28 × 28 Pixel. Male eine Ziffer mit Maus, Stift oder Finger oder mit den Tasten: Pfeiltasten bewegen den Stift, Leertaste setzt ihn auf oder hebt ihn ab, Entf löscht, P Stift, E Radierer, 0–9 fügt eine Testziffer ein.',
  },
  mode: { en: 'Drawing:', de: 'Malweise:' },
  strokes: { en: 'smooth strokes, like MNIST', de: 'glatte Striche, wie MNIST' },
  grid: { en: 'grid cells, like the tutorial', de: 'Rasterzellen, wie im Tutorial' },
  penWidth: { en: 'Pen:', de: 'Stift:' },
  widths: { en: ['thin', 'medium', 'thick', 'very thick'], de: ['dünn', 'mittel', 'dick', 'sehr dick'] },
  noSample: { en: 'The test images are not loaded yet.', de: 'Die Testbilder sind noch nicht geladen.' },
  live: { en: 'Live recognition is on.', de: 'Die Live-Erkennung läuft.' },
  paused: { en: 'Live recognition is paused.', de: 'Die Live-Erkennung ist angehalten.' },
} as const;

/** Run `fn` at most once per animation frame (or per 16 ms where there are no frames). */
function frameThrottle(fn: () => void): () => void {
  let pending = false;
  const schedule = typeof requestAnimationFrame === 'function' ? requestAnimationFrame : (cb: () => void) => setTimeout(cb, 16);
  return () => {
    if (pending) return;
    pending = true;
    schedule(() => {
      pending = false;
      fn();
    });
  };
}

export function drawingPad(options: DrawingPadOptions = {}): DrawingPad {
  const lang = checkLang(options.lang ?? 'en');
  let penWidth = options.lineWidth ?? DEFAULT_LINE_WIDTH;
  checkPenWidth(penWidth, 'lineWidth');
  if (options.mode !== undefined && !PAD_MODES.includes(options.mode)) throw new RangeError(`mode must be one of ${PAD_MODES.join(', ')}; got ${JSON.stringify(options.mode)}`);
  if (options.sampleDigit !== undefined && typeof options.sampleDigit !== 'function') throw new TypeError('sampleDigit must be a function (digit) => Uint8Array | null');
  if (options.onImage !== undefined && typeof options.onImage !== 'function') throw new TypeError('onImage must be a function (image) => void');

  /** Grid mode: the painted cells. Strokes mode: a pasted digit (or none), strokes are drawn over it. */
  const raster = createRaster();
  let strokes: Stroke[] = [];
  let mode: PadMode = options.mode ?? 'strokes';
  let preprocess = options.preprocess ?? true;
  let live = options.live ?? true;
  let tool: 'pen' | 'eraser' = 'pen';
  let steps: { drawn: Float32Array; fitted: Float32Array; input: Float32Array } = { drawn: new Float32Array(PIXELS), fitted: new Float32Array(PIXELS), input: new Float32Array(PIXELS) };

  // --- elements -----------------------------------------------------------------------------
  const canvas = element('canvas', { class: 'zf-canvas', tabindex: 0, role: 'application', 'aria-label': tr(lang, TEXT.canvas), width: SIZE, height: SIZE });
  canvas.style.width = `${SIZE}px`;
  canvas.style.height = `${SIZE}px`;
  canvas.style.touchAction = 'none'; // a finger draws; it never scrolls or zooms the page
  const stepsView = drawingSteps(lang, 3);
  const status = element('p', { class: 'zf-status', role: 'status', 'aria-live': 'polite' });

  const toolButton = (name: 'pen' | 'eraser') => element('button', { type: 'button', class: `zf-tool zf-tool-${name}`, 'aria-pressed': String(name === tool), text: tr(lang, TEXT[name]) });
  const penButton = toolButton('pen');
  const eraserButton = toolButton('eraser');
  const clearButton = element('button', { type: 'button', class: 'zf-clear', text: tr(lang, TEXT.clear) });
  const liveButton = element('button', { type: 'button', class: 'zf-live', 'aria-pressed': String(live) });
  const toolbar = element('div', { class: 'zf-toolbar', role: 'toolbar', 'aria-label': tr(lang, TEXT.tools) }, [penButton, eraserButton, clearButton, liveButton]);

  const modeSelect = element('select', { class: 'zf-mode' }, PAD_MODES.map((m) => element('option', { value: m, text: tr(lang, TEXT[m]) })));
  const widthSelect = element('select', { class: 'zf-pen-width' }, PEN_WIDTHS.map((w, i) => element('option', { value: w, text: `${TEXT.widths[lang][i]} (${w})` })));
  const optionRow = element('div', { class: 'zf-pad-options' }, [
    element('label', {}, [`${tr(lang, TEXT.mode)} `, modeSelect]),
    element('label', {}, [`${tr(lang, TEXT.penWidth)} `, widthSelect]),
  ]);
  optionRow.style.cssText = 'display:flex;flex-wrap:wrap;gap:0.5rem 1.25rem;font-size:0.9rem';

  const samplesLabelId = uniqueId('samples');
  const sampleButtons = [...Array(10).keys()].map((d) =>
    element('button', { type: 'button', class: 'zf-sample', 'data-digit': d, 'aria-label': `${tr(lang, TEXT.sampleLabel)}${d}`, text: String(d) }));
  const samples = options.sampleDigit
    ? element('div', { class: 'zf-samples', role: 'group', 'aria-labelledby': samplesLabelId }, [element('span', { id: samplesLabelId, text: tr(lang, TEXT.samples) }), ...sampleButtons])
    : null;

  const stage = element('div', { class: 'zf-stage' }, [canvas, stepsView]);
  const root = element('div', { class: 'zf-drawing' }, [toolbar, optionRow, stage, samples, status]) as unknown as DrawingPad;

  // --- the model's input --------------------------------------------------------------------
  const rasterHasInk = () => raster.some((v) => v !== 0);

  /** The drawing as cells: the raster, plus (strokes mode) the strokes as drawn. */
  function drawnCells(): { grey: Float32Array; cells: Uint8Array } {
    if (mode === 'grid') return { grey: rasterToImage(raster), cells: raster };
    const grey = strokes.length ? renderStrokes(strokes, penWidth) : new Float32Array(PIXELS);
    const cells = new Uint8Array(PIXELS);
    for (let i = 0; i < PIXELS; i++) {
      if (raster[i]) grey[i] = 1;
      cells[i] = grey[i] > 0.5 ? 1 : 0;
    }
    return { grey, cells };
  }

  /** Recompute the steps; returns whether the chip's input changed. */
  function compute(): boolean {
    const before = steps.input;
    if (mode === 'strokes' && !rasterHasInk()) {
      steps = strokesToInput(strokes, preprocess, penWidth);
    } else {
      // cells (painted or pasted): the tutorial's pipeline on the bitmap
      const { grey, cells } = drawnCells();
      const image = rasterToImage(cells);
      steps = { drawn: grey, fitted: preprocess ? centreLikeMnist(image) : image, input: prepareDrawing(image, preprocess) };
    }
    stepsView.update(steps.drawn, steps.fitted, steps.input, preprocess);
    return steps.input.some((v, i) => v !== before[i]);
  }

  // --- rendering ----------------------------------------------------------------------------
  const context = canvas.getContext?.('2d') ?? null;
  function render() {
    if (!context) return; // no 2D canvas (e.g. jsdom): the data model still works
    const dpr = (typeof devicePixelRatio === 'number' && devicePixelRatio > 0 ? devicePixelRatio : 1);
    const backing = Math.round(SIZE * dpr);
    if (canvas.width !== backing) {
      canvas.width = backing;
      canvas.height = backing;
    }
    const px = backing / GRID; // whole cells map to whole device pixels when dpr·10 is an integer
    context.setTransform(1, 0, 0, 1, 0, 0);
    context.fillStyle = '#fff';
    context.fillRect(0, 0, backing, backing);
    if (mode === 'grid') {
      // faint cell grid and the 20×20 box MNIST digits fit into
      context.strokeStyle = 'rgba(0,0,0,0.06)';
      context.lineWidth = 1;
      context.beginPath();
      for (let i = 1; i < GRID; i++) {
        const p = Math.round(i * px) + 0.5;
        context.moveTo(p, 0); context.lineTo(p, backing);
        context.moveTo(0, p); context.lineTo(backing, p);
      }
      context.stroke();
      context.setLineDash([4 * dpr, 4 * dpr]);
      context.strokeStyle = 'rgba(0,114,178,0.35)';
      context.strokeRect(Math.round(4 * px) + 0.5, Math.round(4 * px) + 0.5, Math.round(20 * px), Math.round(20 * px));
      context.setLineDash([]);
    }
    context.fillStyle = INK;
    for (let i = 0; i < PIXELS; i++) {
      if (!raster[i]) continue;
      const x = i % GRID, y = Math.floor(i / GRID);
      const x0 = Math.round(x * px), y0 = Math.round(y * px);
      context.fillRect(x0, y0, Math.round((x + 1) * px) - x0, Math.round((y + 1) * px) - y0);
    }
    // strokes as they were drawn: a round pen at screen resolution
    context.strokeStyle = INK;
    context.lineWidth = penWidth * px;
    context.lineCap = 'round';
    context.lineJoin = 'round';
    for (const stroke of mode === 'strokes' ? strokes : []) {
      context.beginPath();
      context.moveTo(stroke[0].x * px, stroke[0].y * px);
      for (const p of stroke.length > 1 ? stroke.slice(1) : [{ x: stroke[0].x + 0.001, y: stroke[0].y }]) context.lineTo(p.x * px, p.y * px);
      context.stroke();
    }
  }

  function emit() {
    if (!live) return;
    options.onImage?.(steps.input);
    root.dispatchEvent(new Event('input', { bubbles: true }));
  }
  // while drawing, the input is made, shown and sent at most once per frame, and only sent when it
  // changed (each send re-runs the predictions: most pointer moves of a long stroke change nothing)
  const updateSoon = frameThrottle(() => {
    const inputChanged = compute();
    render();
    if (inputChanged) emit();
  });

  /** After any change to the drawing: recompute what the model sees, show it, tell listeners. */
  function changed(immediate: boolean) {
    if (immediate) {
      compute();
      render();
      emit();
    } else {
      updateSoon();
    }
  }

  function setStatus(text: string) {
    status.textContent = text;
  }

  function updateButtons() {
    penButton.setAttribute('aria-pressed', String(tool === 'pen'));
    eraserButton.setAttribute('aria-pressed', String(tool === 'eraser'));
    liveButton.setAttribute('aria-pressed', String(live));
    liveButton.textContent = tr(lang, live ? TEXT.stop : TEXT.start);
    modeSelect.value = mode;
    widthSelect.value = String(penWidth);
    root.dataset.live = String(live);
    root.dataset.tool = tool;
    root.dataset.mode = mode;
    canvas.style.cursor = tool === 'pen' ? 'crosshair' : 'cell';
  }

  // --- pointer input ------------------------------------------------------------------------
  let activePointer: number | null = null;
  let last: GridPoint | null = null;
  let strokeValue: 0 | 1 = 1;
  /** The stroke being drawn (strokes mode, pen). */
  let current: Stroke | null = null;

  function gridPoint(event: PointerEvent): GridPoint {
    const box = canvas.getBoundingClientRect();
    return clientToGrid(event.clientX, event.clientY, box.width > 0 ? box : { left: box.left, top: box.top, width: SIZE, height: SIZE });
  }

  /** Rub out around `at`: strokes are cut, pasted or painted cells cleared. */
  function erase(at: GridPoint): boolean {
    let any = false;
    if (mode === 'strokes' && strokes.length) {
      const before = strokes;
      strokes = eraseFromStrokes(strokes, at, penWidth / 2 + 1);
      any = strokes.length !== before.length || strokes.some((s, i) => s !== before[i]);
    }
    if (stamp(raster, at, mode === 'grid' ? penWidth : Math.max(2, penWidth), 0)) any = true;
    return any;
  }

  /** The pointer moved on to `point`: extend the stroke, paint cells or erase. */
  function moveTo(point: GridPoint): boolean {
    if (strokeValue === 0) {
      // erase along the way, at steps of a quarter cell
      const from = last!;
      const n = Math.max(1, Math.ceil(Math.hypot(point.x - from.x, point.y - from.y) / 0.25));
      let any = false;
      for (let k = 1; k <= n; k++) if (erase({ x: from.x + ((point.x - from.x) * k) / n, y: from.y + ((point.y - from.y) * k) / n })) any = true;
      last = point;
      return any;
    }
    if (mode === 'grid') {
      const any = strokeSegment(raster, last!, point, penWidth, 1);
      last = point;
      return any;
    }
    if (Math.hypot(point.x - last!.x, point.y - last!.y) < MIN_STEP) return false;
    current!.push(point);
    last = point;
    return true;
  }

  canvas.addEventListener('pointerdown', (event) => {
    if (activePointer !== null || (event.pointerType === 'mouse' && event.button !== 0)) return;
    event.preventDefault();
    activePointer = event.pointerId;
    canvas.setPointerCapture?.(event.pointerId);
    // a pen's eraser end (buttons bit 32) erases without switching tools
    strokeValue = tool === 'eraser' || (event.buttons & 32) !== 0 ? 0 : 1;
    last = gridPoint(event);
    let any: boolean;
    if (strokeValue === 0) any = erase(last);
    else if (mode === 'grid') any = stamp(raster, last, penWidth, 1);
    else {
      current = [last];
      strokes.push(current);
      any = true;
    }
    if (any) changed(false);
  });
  canvas.addEventListener('pointermove', (event) => {
    if (event.pointerId !== activePointer || !last) return;
    const coalesced = typeof event.getCoalescedEvents === 'function' ? event.getCoalescedEvents() : [];
    let any = false;
    for (const e of coalesced.length ? coalesced : [event]) if (moveTo(gridPoint(e))) any = true;
    if (any) changed(false);
  });
  const endStroke = (event: PointerEvent) => {
    if (event.pointerId !== activePointer) return;
    if (event.type === 'pointerup' && last) moveTo(gridPoint(event));
    activePointer = null;
    last = null;
    current = null;
    changed(true);
  };
  canvas.addEventListener('pointerup', endStroke);
  canvas.addEventListener('pointercancel', endStroke);
  canvas.addEventListener('lostpointercapture', endStroke);
  canvas.addEventListener('contextmenu', (event) => event.preventDefault());

  // --- buttons and keys ---------------------------------------------------------------------
  function pasteSample(digit: number) {
    const image = options.sampleDigit?.(digit) ?? null;
    if (!image) {
      setStatus(tr(lang, TEXT.noSample));
      return;
    }
    root.paste(image);
  }
  penButton.addEventListener('click', () => { root.tool = 'pen'; });
  eraserButton.addEventListener('click', () => { root.tool = 'eraser'; });
  clearButton.addEventListener('click', () => root.clear());
  liveButton.addEventListener('click', () => { root.live = !live; });
  modeSelect.addEventListener('change', () => { root.mode = modeSelect.value as PadMode; });
  widthSelect.addEventListener('change', () => { root.penWidth = Number(widthSelect.value); });
  sampleButtons.forEach((button, digit) => button.addEventListener('click', () => pasteSample(digit)));
  const pen = keyboardPen(canvas, stage, { raster, lineWidth: Math.max(1, Math.round(penWidth)), lang, tool: () => tool, changed: () => changed(false), say: setStatus });
  canvas.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (pen.key(event)) event.preventDefault();
    else if (event.key === 'Delete' || event.key === 'Backspace') root.clear();
    else if (event.key === 'p' || event.key === 'P') root.tool = 'pen';
    else if (event.key === 'e' || event.key === 'E') root.tool = 'eraser';
    else if (/^[0-9]$/.test(event.key) && options.sampleDigit) pasteSample(Number(event.key));
    else return;
    event.preventDefault();
  });

  // --- public API ---------------------------------------------------------------------------
  Object.defineProperties(root, {
    value: { get: () => steps.input },
    raster: { get: () => (mode === 'grid' ? raster : drawnCells().cells) },
    strokes: { get: () => strokes.map((s) => s.map((p) => ({ ...p }))) },
    steps: { get: () => steps },
    preprocess: {
      get: () => preprocess,
      set: (on: unknown) => {
        if (typeof on !== 'boolean') throw new TypeError(`preprocess must be true or false, got ${String(on)}`);
        if (on === preprocess) return;
        preprocess = on;
        changed(true);
      },
    },
    mode: {
      get: () => mode,
      set: (next: unknown) => {
        if (!PAD_MODES.includes(next as PadMode)) throw new RangeError(`mode must be one of ${PAD_MODES.join(', ')}; got ${JSON.stringify(next)}`);
        if (next === mode) return;
        // keep the drawing: strokes become cells, cells become a pasted bitmap under new strokes
        if (next === 'grid') raster.set(drawnCells().cells);
        strokes = [];
        mode = next as PadMode;
        updateButtons();
        changed(true);
      },
    },
    penWidth: {
      get: () => penWidth,
      set: (width: unknown) => {
        checkPenWidth(width, 'penWidth');
        penWidth = width as number;
        updateButtons();
        changed(true);
      },
    },
    live: {
      get: () => live,
      set: (on: unknown) => {
        if (typeof on !== 'boolean') throw new TypeError(`live must be true or false, got ${String(on)}`);
        live = on;
        updateButtons();
        setStatus(tr(lang, live ? TEXT.live : TEXT.paused));
        if (live) emit();
      },
    },
    tool: {
      get: () => tool,
      set: (next: unknown) => {
        if (next !== 'pen' && next !== 'eraser') throw new RangeError(`tool must be 'pen' or 'eraser', got ${String(next)}`);
        tool = next;
        updateButtons();
      },
    },
  });
  root.addStroke = (stroke: Stroke) => {
    checkStrokes([stroke], 'stroke');
    if (mode === 'grid') {
      stamp(raster, stroke[0], penWidth, 1);
      for (let i = 1; i < stroke.length; i++) strokeSegment(raster, stroke[i - 1], stroke[i], penWidth, 1);
    } else strokes.push(stroke.map((p) => ({ x: p.x, y: p.y })));
    changed(true);
  };
  root.clear = () => {
    raster.fill(0);
    strokes = [];
    changed(true);
  };
  root.paste = (image: ArrayLike<number>) => {
    loadIntoRaster(raster, image);
    strokes = [];
    changed(true);
  };

  updateButtons();
  compute();
  render();
  applyCell(root, options);
  return root;
}

function checkPenWidth(width: unknown, name: string): void {
  if (typeof width !== 'number' || !(width > 0 && width <= 6)) throw new RangeError(`${name} must be a number greater than 0 and at most 6 (cells), got ${String(width)}`);
}
