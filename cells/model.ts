/**
 * Section "Model": the hagen-mode MLP (784 → hidden × layers → 10) and the mock parameters its layers read;
 * display: the network drawn from the model itself (layer widths, num_sends, parameter count).
 */
import { buildModel } from '../lib/hagen/model';
import { mockParameter as makeMockParameter } from '../lib/hagen/mockParameter';
import type { Backend, HagenModel, MockParameter, ModelConfig } from '../lib/hagen/types';
import type { CellSpec } from '../lib/runtime/cell';
import type { Lang } from '../lib/ui/i18n';
import { networkDiagram } from '../lib/ui/plots';

/**
 * The mock parameters the layers read: the `noise`/`gain` parameters (hxtorch's defaults 2.0 / 0.002), or
 * measure_mock_parameter on the emulated chip (cell `measuredMockParameter` of the environment section), as the
 * tutorial does.
 */
export function chooseMockParameter(noise: number, gain: number, mockSource: string, measured: MockParameter): MockParameter {
  switch (mockSource) {
    case 'defaults':
      return makeMockParameter(noise, gain);
    case 'measured':
      return makeMockParameter(measured.noiseStd, measured.gain);
    default:
      throw new RangeError(`mockSource must be one of defaults, measured; got ${JSON.stringify(mockSource)}`);
  }
}

export const modelCells: CellSpec[] = [
  {
    name: 'mockParameter',
    inputs: ['noise', 'gain', 'mockSource', 'measuredMockParameter'],
    define: (noise: number, gain: number, mockSource: string, measuredMockParameter: MockParameter) =>
      chooseMockParameter(noise, gain, mockSource, measuredMockParameter),
  },
  {
    name: 'modelConfig',
    inputs: ['hidden', 'layers', 'shift'],
    define: (hidden: number, layers: number, shift: number): ModelConfig => ({ hidden, layers, shift }),
  },
  {
    name: 'model',
    inputs: ['modelConfig', 'backend', 'mockParameter', 'seed'],
    define: (modelConfig: ModelConfig, backend: Backend, mockParameter: MockParameter, seed: number) =>
      buildModel(modelConfig, { backend, mock: mockParameter, seed }),
  },
  // Display
  {
    name: 'modelDiagram',
    inputs: ['model', 'lang', 'width'],
    define: (model: HagenModel, lang: Lang, width: number) =>
      networkDiagram({ layers: model.layers.map((layer) => ({ in: layer.inFeatures, out: layer.outFeatures, numSends: layer.numSends })) }, { lang, width }),
  },
];
