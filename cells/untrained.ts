/** Section 5 "The untrained model": the canvas on the freshly initialised model; its predictions are noise, as in the tutorial. */
import type { Split } from '../lib/data/types';
import type { ChipDevice, HagenModel } from '../lib/hagen/types';
import { Rng } from '../lib/random';
import type { CellSpec } from '../lib/runtime/cell';
import { input } from '../lib/runtime/generators';
import type { DrawingPad } from '../lib/ui/drawing';
import type { Lang } from '../lib/ui/i18n';
import { padView, predictionsView } from '../lib/ui/pad';

/** The prepared image, anew after every change of the drawing; `preprocess` switches the pad's centring. */
export function padImages(pad: DrawingPad, preprocess: boolean): Generator<Promise<Float32Array>, void, unknown> {
  pad.preprocess = preprocess;
  return input<Float32Array>(pad);
}

export const untrainedCells: CellSpec[] = [
  { name: 'drawing', inputs: ['testSet', 'lang'], define: (testSet: Split, lang: Lang) => padView(testSet, lang, false) },
  { name: 'drawingImage', inputs: ['drawing', 'preprocess'], define: (drawing: DrawingPad, preprocess: boolean) => padImages(drawing, preprocess) },
  // Its own noise stream: each inference draws fresh noise, as on the chip.
  { name: 'drawingNoise', inputs: ['seed'], define: (seed: number) => Rng.derive(seed, 'page/drawing/inference-noise') },
  {
    name: 'predictions',
    inputs: ['drawingImage', 'model', 'chipDevice', 'drawingNoise', 'lang'],
    define: function (this: unknown, drawingImage: Float32Array, model: HagenModel, chipDevice: ChipDevice, drawingNoise: Rng, lang: Lang) {
      return predictionsView(this, drawingImage, model, chipDevice, drawingNoise, lang);
    },
  },
];
