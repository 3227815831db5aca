/**
 * Named settings for the `preset` parameter (lib/params.ts). Choosing a preset sets the parameters it
 * names (through the same validation as every other setting); changing one of them afterwards is
 * allowed, and `presetMatch` says whether the current values still are the preset's.
 *
 * tutorial = the seed tutorial's code (and every parameter's default). recommended = found by
 * measurement (bench/presets-search.jsonl, README "Recommended settings"): the same chip rules and mock
 * parameters, a hagen-mode convolution in front, no RandomResizedCrop, 10 epochs.
 */
import { defaultParams, validateParam, type ParamName, type ParamValues } from './params';

export type PresetName = 'tutorial' | 'recommended';
export const PRESET_NAMES: readonly PresetName[] = ['tutorial', 'recommended'];

/** The parameters a preset names: the model, its training and the chip's rules; not the seed, chip id, drawing or sweep. */
export const PRESET_PARAMS = [
  'backend', 'noise', 'gain', 'mockSource', 'hidden', 'layers', 'conv', 'convKernel', 'convStride', 'shift',
  'lr', 'lrSchedule', 'epochs', 'batchSize', 'augment', 'trainSize', 'labelNoise',
] as const satisfies readonly ParamName[];
export type PresetParam = (typeof PRESET_PARAMS)[number];

const defaults = defaultParams();
const pick = (values: ParamValues): Record<PresetParam, unknown> =>
  Object.fromEntries(PRESET_PARAMS.map((name) => [name, values[name]])) as Record<PresetParam, unknown>;

const RECOMMENDED_CHANGES: Partial<ParamValues> = {
  conv: 16, convKernel: 9, convStride: 3, hidden: 128, layers: 1, augment: 'none', lrSchedule: 'cosine', batchSize: 50, epochs: 10,
};

export const PRESETS: Readonly<Record<PresetName, Readonly<Record<PresetParam, unknown>>>> = {
  tutorial: pick(defaults),
  recommended: pick({ ...defaults, ...RECOMMENDED_CHANGES } as ParamValues),
};

// Every preset value is a valid setting (checked once, at load).
for (const name of PRESET_NAMES) for (const param of PRESET_PARAMS) validateParam(param, PRESETS[name][param]);

export function presetValues(name: string): Readonly<Record<PresetParam, unknown>> {
  const values = (PRESETS as Record<string, Readonly<Record<PresetParam, unknown>>>)[name];
  if (!values) throw new RangeError(`unknown preset "${name}"; allowed are ${PRESET_NAMES.join(', ')}`);
  return values;
}

export interface PresetMatch {
  /** the selected preset */
  preset: PresetName;
  /** whether every parameter it names has its value */
  matches: boolean;
  /** the named parameters that differ now, in the table's order */
  changed: PresetParam[];
}

/** Compare the current values with the selected preset's. */
export function presetMatch(preset: PresetName, values: Partial<Record<PresetParam, unknown>>): PresetMatch {
  const wanted = presetValues(preset);
  const changed = PRESET_PARAMS.filter((name) => !Object.is(values[name], wanted[name]));
  return { preset, matches: changed.length === 0, changed };
}

/** The named parameters whose current value differs from the preset's, with the preset's value (what choosing it changes). */
export function presetChanges(preset: string, current: Partial<Record<PresetParam, unknown>>): { name: PresetParam; value: unknown }[] {
  const wanted = presetValues(preset);
  return PRESET_PARAMS.filter((name) => !Object.is(current[name], wanted[name])).map((name) => ({ name, value: wanted[name] }));
}
