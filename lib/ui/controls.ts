/**
 * One control per parameter of lib/params.ts, built from @observablehq/inputs. The returned element is
 * an Observable "view": `.value` is the current valid value and an `input` event bubbles out whenever
 * the reader changes it. Typed values that lib/params.ts rejects show a note under the control and
 * are not emitted, so the notebook never sees them.
 */

import * as Inputs from '@observablehq/inputs';
import { formatParamValue, parseParam, sliderSteps, validateParam, type ParamSpec } from '../params';
import { applyCell, element, uniqueId, type CellOption } from './dom';
import { checkLang, formatNumber, type Lang } from './i18n';

type ParamControl = HTMLDivElement & { value: unknown; spec: ParamSpec };

/** Sliders above this many integer steps become number fields (a seed slider helps no one). */
const MAX_SLIDER_STEPS = 1000;
/** A log slider cannot reach 0; where 0 is the (excluded) minimum, it spans this many decades. */
const LOG_DECADES_FROM_ZERO = 5;

/** The interval a slider can show; it equals the parameter's range except for log sliders starting at 0. */
export function sliderExtent(spec: ParamSpec): [number, number] | null {
  if (spec.kind !== 'int' && spec.kind !== 'number') return null;
  if (spec.values) return [spec.values[0], spec.values[spec.values.length - 1]];
  if (spec.log) {
    const low = spec.min > 0 ? spec.min : spec.max / 10 ** LOG_DECADES_FROM_ZERO;
    return [low, spec.max];
  }
  if (spec.kind === 'int' && spec.max - spec.min > MAX_SLIDER_STEPS) return null;
  return [spec.min, spec.max];
}

export function allowedText(spec: ParamSpec, lang: Lang): string {
  const n = (v: number) => formatNumber(lang, v, 6);
  switch (spec.kind) {
    case 'int':
      return lang === 'de' ? `eine ganze Zahl von ${n(spec.min)} bis ${n(spec.max)}` : `a whole number from ${n(spec.min)} to ${n(spec.max)}`;
    case 'number': {
      const low = sliderExtent(spec)![0];
      if (spec.minExclusive && low === spec.min) {
        return lang === 'de' ? `eine Zahl größer als ${n(spec.min)} und höchstens ${n(spec.max)}` : `a number greater than ${n(spec.min)} and at most ${n(spec.max)}`;
      }
      return lang === 'de' ? `eine Zahl von ${n(low)} bis ${n(spec.max)}` : `a number from ${n(low)} to ${n(spec.max)}`;
    }
    case 'enum':
      return (lang === 'de' ? 'eine der Möglichkeiten ' : 'one of ') + spec.options.map((o) => `${o} (${spec.optionLabels[o][lang]})`).join(', ');
    case 'boolean':
      return lang === 'de' ? 'an oder aus' : 'on or off';
    case 'intList':
      return lang === 'de'
        ? `1 bis ${spec.maxLength} verschiedene ganze Zahlen von ${n(spec.min)} bis ${n(spec.max)}, durch Kommas getrennt`
        : `1 to ${spec.maxLength} different whole numbers from ${n(spec.min)} to ${n(spec.max)}, separated by commas`;
  }
}

/**
 * A position on the slider for `value` when the slider steps through `steps` (ascending): the index of the
 * step, fractional (log-interpolated) between two steps. One arrow press moves to the next step.
 */
export function stepPosition(steps: readonly number[], value: number): number {
  if (value <= steps[0]) return 0;
  for (let i = 0; i < steps.length - 1; i++) {
    if (value <= steps[i + 1]) return i + Math.log(value / steps[i]) / Math.log(steps[i + 1] / steps[i]);
  }
  return steps.length - 1;
}

function numericInput(spec: ParamSpec & { kind: 'int' | 'number' }, value: number, label: string, validate: (input: HTMLInputElement) => boolean) {
  const extent = sliderExtent(spec);
  const step = spec.kind === 'int' ? spec.step ?? 1 : spec.step;
  if (!extent) return Inputs.number([spec.min, spec.max], { label, value, step, validate });
  if (spec.values) {
    // Sensible values (16, 32, 64 … or 0.1, 0.25, 0.5 …) instead of raw logarithms; a typed value in between
    // stays what it is, and the next arrow press goes to a listed value.
    const steps = sliderSteps(spec, value);
    const transform = (v: number) => stepPosition(steps, v);
    const invert = (x: number) => steps[Math.max(0, Math.min(steps.length - 1, Math.round(x)))];
    const form = Inputs.range(extent, { label, value, validate, transform, invert });
    form.querySelector('input[type=range]')?.setAttribute('step', '1');
    return form;
  }
  // Integers are rounded in the inverse too: not every DOM snaps a range input to its step.
  const invert = spec.kind === 'int' ? (x: number) => Math.round(Math.exp(x)) : Math.exp;
  const logScale = spec.log ? { transform: Math.log, invert } : {};
  return Inputs.range(extent, { label, value, step, validate, ...logScale });
}

/** A text field for a list of integers, applied with its button (not per keystroke: each change may start long runs). */
function listInput(value: readonly number[], label: string, lang: Lang, validate: (input: HTMLInputElement) => boolean): HTMLFormElement & { value: unknown } {
  return Inputs.text({ label, value: value.join(', '), validate, submit: lang === 'de' ? 'Übernehmen' : 'Apply' });
}

/**
 * Every input gets a name of its own: Inputs labels only the number field of a slider pair, and a radio
 * group only through its options; a screen reader then hears "range, 5.545" for 256 neurons.
 */
function labelInputs(form: HTMLElement, spec: ParamSpec, label: string): void {
  for (const range of form.querySelectorAll('input[type=range]')) range.setAttribute('aria-label', label);
  const group = form.querySelector('div');
  if (spec.kind === 'enum' && group && form.querySelector('input[type=radio]')) {
    group.setAttribute('role', 'radiogroup');
    group.setAttribute('aria-label', label);
  }
  for (const box of form.querySelectorAll('input[type=checkbox]')) box.setAttribute('aria-label', label);
  if (spec.kind === 'enum') for (const input of form.querySelectorAll<HTMLInputElement>('input[type=radio]')) {
    const option = spec.options[Number(input.value)];
    if (option !== undefined) input.setAttribute('data-option', option);
  }
}

/**
 * A control for one parameter. `value` defaults to the parameter's default and must be valid.
 * Setting `.value` to an invalid value throws (naming the parameter); the page dispatches `input` after.
 */
export function control(spec: ParamSpec, value: unknown = spec.default, lang: Lang = 'en', options: CellOption = {}): ParamControl {
  checkLang(lang);
  validateParam(spec.name, value);
  const label = spec.label[lang];
  const helpId = uniqueId('help');
  const noteId = uniqueId('note');
  const note = element('p', { class: 'zf-note', id: noteId, role: 'alert', hidden: true });

  const extent = sliderExtent(spec);
  /** Accept text iff lib/params.ts accepts it and a slider (if any) can show it. */
  function validateText(input: HTMLInputElement): boolean {
    let ok = true;
    try {
      const parsed = parseParam(spec.name, input.value);
      if (extent && typeof parsed === 'number' && (parsed < extent[0] || parsed > extent[1])) ok = false;
    } catch {
      ok = false;
    }
    note.hidden = ok;
    note.textContent = ok ? '' : (lang === 'de' ? `„${input.value}“ geht nicht: erlaubt ist ${allowedText(spec, lang)}.` : `“${input.value}” is not allowed: use ${allowedText(spec, lang)}.`);
    input.setAttribute('aria-invalid', String(!ok));
    return ok;
  }

  let form: HTMLFormElement & { value: unknown };
  switch (spec.kind) {
    case 'int':
    case 'number':
      form = numericInput(spec, value as number, label, validateText);
      break;
    case 'enum':
    {
      const format = (option: string) => spec.optionLabels[option]?.[lang] ?? option;
      form = spec.options.length <= 4
        ? Inputs.radio(spec.options, { label, value: value as string, format })
        : Inputs.select(spec.options, { label, value: value as string, format });
    }
      break;
    case 'boolean':
      form = Inputs.toggle({ label, value: value as boolean });
      break;
    case 'intList':
      form = listInput(value as readonly number[], label, lang, validateText);
      break;
  }
  for (const input of form.querySelectorAll('input, select')) input.setAttribute('aria-describedby', `${helpId} ${noteId}`);
  labelInputs(form, spec, label);

  const help = element('p', { class: 'zf-help', id: helpId, text: spec.help[lang] });
  const root = element('div', { class: 'zf-control', 'data-param': spec.name }, [form, help, note]) as ParamControl;
  // A list is edited as text; the control's value is always the parsed, canonical list.
  const isList = spec.kind === 'intList';
  Object.defineProperty(root, 'value', {
    get: () => (isList ? parseParam(spec.name, String(form.value)) : form.value),
    set: (next: unknown) => {
      const checked = validateParam(spec.name, next);
      form.value = isList ? (checked as readonly number[]).join(', ') : next;
      note.hidden = true;
      announce();
    },
  });
  Object.defineProperty(root, 'spec', { value: spec });
  const announce = () => {
    try {
      const text = formatParamValue(spec, root.value, lang);
      for (const range of form.querySelectorAll('input[type=range]')) range.setAttribute('aria-valuetext', text);
    } catch { /* an invalid typed value: the note says so */ }
  };
  form.addEventListener('input', announce);
  announce();
  applyCell(root, options);
  return root;
}
