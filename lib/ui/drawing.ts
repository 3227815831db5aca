/**
 * The drawing pad: the tutorial's ZahlenMalen for the browser. Readers draw a digit on a 28×28 grid
 * shown at 10× (280×280 CSS px), erase, clear, paste a random test digit per class, and start/stop
 * live recognition. The 28×28 raster (lib/draw/raster.ts) is the source of truth; the canvas only
 * shows it, so what the model gets is exactly what is drawn, whatever the screen's pixel density.
 *
 * The element is an Observable view: `.value` is the prepared image (784 floats, 0|1, centred like
 * MNIST when `preprocess` is on) and an `input` event fires when it changes while live.
 */

import { prepareDrawing } from '../draw/preprocess';
import { DEFAULT_LINE_WIDTH, GRID, PIXELS, clientToGrid, createRaster, loadIntoRaster, rasterToImage, stamp, strokeSegment, type GridPoint } from '../draw/raster';
import { chipView, INK } from './chipView';
import { applyCell, element, uniqueId, type CellOption } from './dom';
import { checkLang, tr, type Lang } from './i18n';
import { keyboardPen } from './keyboardPen';

export const SCALE = 10;
const SIZE = GRID * SCALE;

export interface DrawingPadOptions extends CellOption {
  lang?: Lang;
  /** A random binarised test image (784 values 0|1) of class `digit`, or null while none is available. */
  sampleDigit?: (digit: number) => Uint8Array | null;
  /** Called with the prepared image whenever it changes while live recognition runs. */
  onImage?: (image: Float32Array) => void;
  /** MNIST-style centring (default true; the `preprocess` parameter). */
  preprocess?: boolean;
  /** Pen width in cells (default 2, as in the tutorial). */
  lineWidth?: number;
  /** Start with live recognition running (default true, like the tutorial). */
  live?: boolean;
}

export type DrawingPad = HTMLElement & {
  /** The prepared image the model sees (784 floats, 0|1). */
  readonly value: Float32Array;
  /** The raw drawing (784 cells, 0|1). */
  readonly raster: Uint8Array;
  preprocess: boolean;
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
  const lineWidth = options.lineWidth ?? DEFAULT_LINE_WIDTH;
  if (!(lineWidth > 0 && lineWidth <= 6)) throw new RangeError(`lineWidth must be a number greater than 0 and at most 6 (cells), got ${lineWidth}`);
  if (options.sampleDigit !== undefined && typeof options.sampleDigit !== 'function') throw new TypeError('sampleDigit must be a function (digit) => Uint8Array | null');
  if (options.onImage !== undefined && typeof options.onImage !== 'function') throw new TypeError('onImage must be a function (image) => void');

  const raster = createRaster();
  let preprocess = options.preprocess ?? true;
  let live = options.live ?? true;
  let tool: 'pen' | 'eraser' = 'pen';
  let prepared = prepareDrawing(rasterToImage(raster), preprocess);

  // --- elements -----------------------------------------------------------------------------
  const canvas = element('canvas', { class: 'zf-canvas', tabindex: 0, role: 'application', 'aria-label': tr(lang, TEXT.canvas), width: SIZE, height: SIZE });
  canvas.style.width = `${SIZE}px`;
  canvas.style.height = `${SIZE}px`;
  canvas.style.touchAction = 'none';
  const preview = chipView(prepared, { lang, pixelSize: 4 });
  const status = element('p', { class: 'zf-status', role: 'status', 'aria-live': 'polite' });

  const toolButton = (name: 'pen' | 'eraser') => element('button', { type: 'button', class: `zf-tool zf-tool-${name}`, 'aria-pressed': String(name === tool), text: tr(lang, TEXT[name]) });
  const penButton = toolButton('pen');
  const eraserButton = toolButton('eraser');
  const clearButton = element('button', { type: 'button', class: 'zf-clear', text: tr(lang, TEXT.clear) });
  const liveButton = element('button', { type: 'button', class: 'zf-live', 'aria-pressed': String(live) });
  const toolbar = element('div', { class: 'zf-toolbar', role: 'toolbar', 'aria-label': tr(lang, TEXT.tools) }, [penButton, eraserButton, clearButton, liveButton]);

  const samplesLabelId = uniqueId('samples');
  const sampleButtons = [...Array(10).keys()].map((d) =>
    element('button', { type: 'button', class: 'zf-sample', 'data-digit': d, 'aria-label': `${tr(lang, TEXT.sampleLabel)}${d}`, text: String(d) }));
  const samples = options.sampleDigit
    ? element('div', { class: 'zf-samples', role: 'group', 'aria-labelledby': samplesLabelId }, [element('span', { id: samplesLabelId, text: tr(lang, TEXT.samples) }), ...sampleButtons])
    : null;

  const stage = element('div', { class: 'zf-stage' }, [canvas, preview]);
  const root = element('div', { class: 'zf-drawing' }, [toolbar, stage, samples, status]) as unknown as DrawingPad;

  // --- rendering ----------------------------------------------------------------------------
  const context = canvas.getContext?.('2d') ?? null;
  function render() {
    if (!context) return; // no 2D canvas (e.g. jsdom): the raster still works
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
    context.fillStyle = INK;
    for (let i = 0; i < PIXELS; i++) {
      if (!raster[i]) continue;
      const x = i % GRID, y = Math.floor(i / GRID);
      const x0 = Math.round(x * px), y0 = Math.round(y * px);
      context.fillRect(x0, y0, Math.round((x + 1) * px) - x0, Math.round((y + 1) * px) - y0);
    }
  }

  function emit() {
    if (!live) return;
    options.onImage?.(prepared);
    root.dispatchEvent(new Event('input', { bubbles: true }));
  }
  const emitSoon = frameThrottle(emit);
  const renderSoon = frameThrottle(render);

  /** After any change to the raster: recompute what the model sees, show it, tell listeners. */
  function changed(immediate: boolean) {
    prepared = prepareDrawing(rasterToImage(raster), preprocess);
    preview.update(prepared);
    if (immediate) {
      render();
      emit();
    } else {
      renderSoon();
      emitSoon();
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
    root.dataset.live = String(live);
    root.dataset.tool = tool;
    canvas.style.cursor = tool === 'pen' ? 'crosshair' : 'cell';
  }

  // --- pointer input ------------------------------------------------------------------------
  let activePointer: number | null = null;
  let last: GridPoint | null = null;
  let strokeValue: 0 | 1 = 1;

  function gridPoint(event: PointerEvent): GridPoint {
    const box = canvas.getBoundingClientRect();
    return clientToGrid(event.clientX, event.clientY, box.width > 0 ? box : { left: box.left, top: box.top, width: SIZE, height: SIZE });
  }

  canvas.addEventListener('pointerdown', (event) => {
    if (activePointer !== null || (event.pointerType === 'mouse' && event.button !== 0)) return;
    event.preventDefault();
    activePointer = event.pointerId;
    canvas.setPointerCapture?.(event.pointerId);
    // a pen's eraser end (buttons bit 32) erases without switching tools
    strokeValue = tool === 'eraser' || (event.buttons & 32) !== 0 ? 0 : 1;
    last = gridPoint(event);
    if (stamp(raster, last, lineWidth, strokeValue)) changed(false);
  });
  canvas.addEventListener('pointermove', (event) => {
    if (event.pointerId !== activePointer || !last) return;
    const samples = typeof event.getCoalescedEvents === 'function' ? event.getCoalescedEvents() : [];
    let any = false;
    for (const e of samples.length ? samples : [event]) {
      const point = gridPoint(e);
      if (strokeSegment(raster, last, point, lineWidth, strokeValue)) any = true;
      last = point;
    }
    if (any) changed(false);
  });
  const endStroke = (event: PointerEvent) => {
    if (event.pointerId !== activePointer) return;
    activePointer = null;
    last = null;
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
  sampleButtons.forEach((button, digit) => button.addEventListener('click', () => pasteSample(digit)));
  const pen = keyboardPen(canvas, stage, { raster, lineWidth: Math.round(lineWidth), lang, tool: () => tool, changed: () => changed(false), say: setStatus });
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
    value: { get: () => prepared },
    raster: { get: () => raster },
    preprocess: {
      get: () => preprocess,
      set: (on: unknown) => {
        if (typeof on !== 'boolean') throw new TypeError(`preprocess must be true or false, got ${String(on)}`);
        if (on === preprocess) return;
        preprocess = on;
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
  root.clear = () => {
    raster.fill(0);
    changed(true);
  };
  root.paste = (image: ArrayLike<number>) => {
    loadIntoRaster(raster, image);
    changed(true);
  };

  updateButtons();
  render();
  applyCell(root, options);
  return root;
}
