/** Section 4 "The model": the network drawn from the model itself (layer widths, num_sends, parameter count). */
import type { HagenModel } from '../../lib/hagen/types';
import type { CellSpec } from '../../lib/runtime/cell';
import type { Lang } from '../../lib/ui/i18n';
import { networkDiagram } from '../../lib/ui/plots';

export const modelDisplayCells: CellSpec[] = [
  {
    name: 'modelDiagram',
    inputs: ['model', 'lang', 'width'],
    define: (model: HagenModel, lang: Lang, width: number) =>
      networkDiagram({ layers: model.layers.map((layer) => ({ in: layer.inFeatures, out: layer.outFeatures, numSends: layer.numSends })) }, { lang, width }),
  },
];
