/** Section 5 "The untrained model": the canvas on the freshly initialised model; its predictions are noise, as in the tutorial. */
import type { CellSpec } from '../../lib/runtime/cell';
import { canvasCells } from './canvas';

export const untrainedDisplayCells: CellSpec[] = canvasCells({ pad: 'drawing', image: 'drawingImage', predictions: 'predictions', model: 'model' });
