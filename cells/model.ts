/** Section "Model": the hagen-mode MLP (784 → hidden × layers → 10) and the mock parameters its layers read. */
import { buildModel } from '../lib/hagen/model';
import { mockParameter as makeMockParameter } from '../lib/hagen/mockParameter';
import type { Backend, MockParameter, ModelConfig } from '../lib/hagen/types';
import type { CellSpec } from '../lib/runtime/cell';

/**
 * `mockParameter` from the parameters. The measured variant (measure_mock_parameter on the emulated chip)
 * belongs to the environment section, which replaces this cell when it provides it.
 */
export function mockParameterFromParams(noise: number, gain: number, mockSource: string): MockParameter {
  if (mockSource === 'defaults') return makeMockParameter(noise, gain);
  throw new Error(
    `mockSource "${mockSource}" needs the environment section, which measures the emulated chip; use mockSource "defaults" here`,
  );
}

export const modelCells: CellSpec[] = [
  {
    name: 'mockParameter',
    inputs: ['noise', 'gain', 'mockSource'],
    define: (noise: number, gain: number, mockSource: string) => mockParameterFromParams(noise, gain, mockSource),
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
];
