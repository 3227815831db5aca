/**
 * The pad's preprocessing steps, shown next to it: as drawn → fitted and centred (grey, as MNIST's
 * scans) → what the chip sees (binarised, 0 or 31). Readers see why a digit drawn small in a corner
 * with a thick pen still reaches the chip looking like an MNIST digit.
 */

import { GRID, PIXELS } from '../draw/raster';
import { chipView, INK, type ChipView } from './chipView';
import { element } from './dom';
import { tr, type Lang } from './i18n';

export type DrawingSteps = HTMLElement & {
  /** Show new images: `drawn` and `fitted` are grey (0..1), `input` 0|1. `centred` says whether fitting was on. */
  update(drawn: ArrayLike<number>, fitted: ArrayLike<number>, input: ArrayLike<number>, centred: boolean): void;
  readonly chip: ChipView;
};

const TEXT = {
  title: { en: 'What happens to your drawing', de: 'Was mit deiner Zeichnung passiert' },
  drawn: { en: 'As drawn', de: 'Wie gemalt' },
  drawnNote: { en: '28 × 28, your pen', de: '28 × 28, dein Stift' },
  fitted: { en: 'Fitted and centred', de: 'Eingepasst und zentriert' },
  fittedNote: { en: 'into 20 × 20, 2–3 px pen, centre of mass in the middle', de: 'in 20 × 20, Stift 2–3 px, Schwerpunkt in der Mitte' },
  notFitted: { en: 'Not centred', de: 'Nicht zentriert' },
  notFittedNote: { en: 'MNIST centring is off: the digit stays where you drew it', de: 'Die MNIST-Zentrierung ist aus: die Ziffer bleibt, wo du sie gemalt hast' },
  why: {
    en: 'MNIST’s digits were fitted into 20 × 20 pixels, written with a 2–3 pixel pen and centred by their mass. The pad does the same with your strokes, so the chip gets the kind of image it learned from, whatever the size, place or pen of your digit.',
    de: 'Die MNIST-Ziffern wurden in 20 × 20 Pixel eingepasst, mit einem 2–3 Pixel breiten Stift geschrieben und nach ihrem Schwerpunkt zentriert. Das Malfeld macht dasselbe mit deinen Strichen: So bekommt der Chip die Art Bild, aus der er gelernt hat – egal, wie groß, wo und mit welchem Stift du malst.',
  },
} as const;

const SVG = 'http://www.w3.org/2000/svg';
/** Grey levels the step images are drawn with (one SVG path each). */
const LEVELS = 8;

/**
 * A 28×28 grey image as SVG (no canvas: the pad's canvas stays the only one, `[data-cell=…] canvas`):
 * one path per grey level, drawn in the ink colour with that level's opacity.
 */
function greyImage(pixelSize: number, label: string): { svg: SVGSVGElement; draw(image: ArrayLike<number>): void } {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${GRID} ${GRID}`);
  svg.setAttribute('width', String(GRID * pixelSize));
  svg.setAttribute('height', String(GRID * pixelSize));
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  svg.setAttribute('shape-rendering', 'crispEdges');
  svg.setAttribute('class', 'zf-step-image');
  svg.style.cssText = 'border:1px solid #9a9aa6;border-radius:3px;background:#fff';
  const paths = [...Array(LEVELS)].map((_, l) => {
    const path = document.createElementNS(SVG, 'path');
    path.setAttribute('fill', INK);
    path.setAttribute('fill-opacity', String((l + 1) / LEVELS));
    svg.append(path);
    return path;
  });
  return {
    svg,
    draw(image) {
      const d = paths.map(() => '');
      for (let i = 0; i < PIXELS; i++) {
        const level = Math.round(Math.max(0, Math.min(1, image[i])) * LEVELS);
        if (level > 0) d[level - 1] += `M${i % GRID} ${Math.floor(i / GRID)}h1v1h-1z`;
      }
      paths.forEach((path, l) => path.setAttribute('d', d[l]));
    },
  };
}

/** Three steps and two arrows fit a phone's width (≈ 360 px) in one row. */
const STEP_STYLE = 'margin:0;display:flex;flex-direction:column;flex:0 1 96px;min-width:84px';

function stepFigure(image: Element, title: string, note: string): { figure: HTMLElement; title: HTMLElement; note: HTMLElement } {
  const t = element('strong', { text: title });
  const n = element('span', { text: note });
  const caption = element('figcaption', {}, [t, n]);
  caption.style.cssText = 'display:flex;flex-direction:column';
  const figure = element('figure', { class: 'zf-step' }, [image, caption]);
  figure.style.cssText = STEP_STYLE + ';gap:0.3rem;font-size:0.85rem;line-height:1.35';
  return { figure, title: t, note: n };
}

export function drawingSteps(lang: Lang, pixelSize = 3): DrawingSteps {
  const drawn = greyImage(pixelSize, tr(lang, TEXT.drawn));
  const fitted = greyImage(pixelSize, tr(lang, TEXT.fitted));
  const chip = chipView(null, { lang, pixelSize });
  const drawnFig = stepFigure(drawn.svg, tr(lang, TEXT.drawn), tr(lang, TEXT.drawnNote));
  const fittedFig = stepFigure(fitted.svg, tr(lang, TEXT.fitted), tr(lang, TEXT.fittedNote));
  const arrow = () => {
    const a = element('span', { 'aria-hidden': 'true', text: '→' });
    a.style.cssText = 'margin-top:30px;font-size:1.2rem;color:#6b6b76';
    return a;
  };
  chip.style.cssText = STEP_STYLE;
  const row = element('div', { class: 'zf-steps-row' }, [drawnFig.figure, arrow(), fittedFig.figure, arrow(), chip]);
  row.style.cssText = 'display:flex;flex-wrap:wrap;align-items:flex-start;gap:0.4rem';
  const why = element('p', { class: 'zf-steps-why', text: tr(lang, TEXT.why) });
  why.style.cssText = 'margin:0;font-size:0.85rem;line-height:1.4;max-width:34rem';
  const root = element('section', { class: 'zf-steps', 'aria-label': tr(lang, TEXT.title) }, [row, why]) as unknown as DrawingSteps;
  root.style.cssText = 'display:flex;flex-direction:column;gap:0.5rem;min-width:0;flex:1 1 300px';
  Object.defineProperty(root, 'chip', { value: chip });
  root.update = (drawnImage, fittedImage, input, centred) => {
    drawn.draw(drawnImage);
    fitted.draw(fittedImage);
    chip.update(input);
    fittedFig.title.textContent = tr(lang, centred ? TEXT.fitted : TEXT.notFitted);
    fittedFig.note.textContent = tr(lang, centred ? TEXT.fittedNote : TEXT.notFittedNote);
    fitted.svg.setAttribute('aria-label', tr(lang, centred ? TEXT.fitted : TEXT.notFitted));
    root.dataset.centred = String(centred);
  };
  return root;
}
