/**
 * "What the chip sees": the 28×28 input as the chip gets it, 5-bit values (0..31) after binarisation,
 * drawn as a small pixel grid so readers can compare it with their drawing.
 */

import { chipInput } from '../draw/preprocess';
import { GRID, PIXELS } from '../draw/raster';
import { applyCell, element, type CellOption } from './dom';
import { checkLang, tr, type Lang } from './i18n';

const SVG = 'http://www.w3.org/2000/svg';
export const INK = '#1b1b1f';

export type ChipView = HTMLElement & { update(image: ArrayLike<number>): void; input: Uint8Array };

interface ChipViewOptions extends CellOption {
  lang?: Lang;
  /** CSS pixels per chip pixel (default 3 → 84 px). */
  pixelSize?: number;
}

export function chipView(image: ArrayLike<number> | null, options: ChipViewOptions = {}): ChipView {
  const lang = checkLang(options.lang ?? 'en');
  const pixelSize = options.pixelSize ?? 3;
  if (!(pixelSize > 0)) throw new RangeError(`pixelSize must be a positive number, got ${pixelSize}`);
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${GRID} ${GRID}`);
  svg.setAttribute('width', String(GRID * pixelSize));
  svg.setAttribute('height', String(GRID * pixelSize));
  svg.setAttribute('role', 'img');
  svg.setAttribute('shape-rendering', 'crispEdges');
  svg.classList.add('zf-chipview-grid');
  const background = document.createElementNS(SVG, 'rect');
  background.setAttribute('width', String(GRID));
  background.setAttribute('height', String(GRID));
  background.setAttribute('fill', '#fff');
  const pixels = document.createElementNS(SVG, 'path');
  pixels.setAttribute('fill', INK);
  svg.append(background, pixels);

  const caption = element('figcaption', {}, [
    element('strong', { text: tr(lang, { en: 'What the chip sees', de: 'Was der Chip sieht' }) }),
    element('span', { text: tr(lang, { en: '28 × 28 inputs, each 0 or 31 (5 bit)', de: '28 × 28 Eingänge, je 0 oder 31 (5 Bit)' }) }),
  ]);
  const root = element('figure', { class: 'zf-chipview' }, [svg, caption]) as unknown as ChipView;

  root.update = (next: ArrayLike<number>) => {
    const input = chipInput(next);
    let path = '';
    let lit = 0;
    for (let i = 0; i < PIXELS; i++) {
      if (input[i] > 0) {
        path += `M${i % GRID} ${Math.floor(i / GRID)}h1v1h-1z`;
        lit++;
      }
    }
    pixels.setAttribute('d', path);
    svg.setAttribute('aria-label', tr(lang, {
      en: `What the chip sees: ${lit} of 784 inputs at 31, the rest 0`,
      de: `Was der Chip sieht: ${lit} von 784 Eingängen auf 31, der Rest 0`,
    }));
    root.input = input;
  };
  root.update(image ?? new Float32Array(PIXELS));
  applyCell(root, options);
  return root;
}
