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
function chooseMockParameter(noise: number, gain: number, mockSource: string, measured: MockParameter): MockParameter {
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
    doc: "The mock's gain and noise the model trains with: the noise and gain parameters, or the measured ones (mockSource).",
    inputs: ['noise', 'gain', 'mockSource', 'measuredMockParameter'],
    define: (noise: number, gain: number, mockSource: string, measuredMockParameter: MockParameter) =>
      chooseMockParameter(noise, gain, mockSource, measuredMockParameter),
  },
  {
    name: 'modelConfig',
    doc: "The network's shape: hidden neurons per layer, hidden layers and the ConvertingReLU shift.",
    inputs: ['hidden', 'layers', 'shift', 'conv', 'convKernel', 'convStride'],
    // conv 0: the tutorial's MLP (kernel and stride then do not matter, so they do not change the model)
    define: (hidden: number, layers: number, shift: number, conv: number, convKernel: number, convStride: number): ModelConfig =>
      (conv > 0 ? { hidden, layers, shift, conv, convKernel, convStride } : { hidden, layers, shift }),
  },
  {
    // A function, not the network: a live training calls it for its run, so a stored run (precomputed or loaded)
    // answers without waiting for the initialisation (a quarter of a million seeded draws on the page's main thread).
    name: 'newModel',
    doc: 'Builds the untrained network (a function of no arguments): `model` calls it, and so does a live training; it builds once.',
    inputs: ['modelConfig', 'backend', 'mockParameter', 'seed'],
    define: (modelConfig: ModelConfig, backend: Backend, mockParameter: MockParameter, seed: number) => {
      // Built on the first call and shared: `model` and a live training (which trains a copy: Host.runTraining) need the same network.
      let built: HagenModel | null = null;
      return (): HagenModel => (built ??= buildModel(modelConfig, { backend, mock: mockParameter, seed }));
    },
  },
  {
    name: 'model',
    doc: "The untrained network: its layers' weights and biases as integers, initialised like hxtorch does.",
    inputs: ['newModel'],
    define: (newModel: () => HagenModel) => newModel(),
  },
  // Display
  {
    name: 'modelDiagram',
    doc: "Figure: the network's layers and sizes.",
    inputs: ['model', 'lang', 'width'],
    define: (model: HagenModel, lang: Lang, width: number) =>
      networkDiagram({ layers: model.layers.map((layer) => ({ in: layer.inFeatures, out: layer.outFeatures, numSends: layer.numSends })) }, { lang, width }),
  },
];
