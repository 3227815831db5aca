// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { PARAMS, paramSpec } from '../../lib/params';
import { allowedText, control, sliderExtent, stepPosition } from '../../lib/ui/controls';

function typeInto(input: HTMLInputElement, text: string) {
  input.value = text;
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

function recordInputs(el: HTMLElement): unknown[] {
  const seen: unknown[] = [];
  el.addEventListener('input', () => seen.push((el as HTMLElement & { value: unknown }).value));
  return seen;
}

describe('control', () => {
  it('builds a control with label and help for every parameter, starting at its default', () => {
    for (const spec of PARAMS) {
      const el = control(spec);
      document.body.append(el);
      expect(el.value).toEqual(spec.default);
      expect(el.querySelector('label')?.textContent).toBe(spec.label.en);
      expect(el.querySelector('.zf-help')?.textContent).toBe(spec.help.en);
      expect(el.hasAttribute('data-cell')).toBe(false);
      el.remove();
    }
  });

  it('speaks German when asked and sets data-cell only on request', () => {
    const el = control(paramSpec('epochs'), 4, 'de', { cell: 'viewof epochs' });
    expect(el.querySelector('label')?.textContent).toBe('Epochen');
    expect(el.getAttribute('data-cell')).toBe('viewof epochs');
  });

  it('emits valid typed values and holds back invalid ones with a visible note', () => {
    const el = control(paramSpec('hidden'), 256);
    document.body.append(el);
    const seen = recordInputs(el);
    const number = el.querySelector('input[type=number]') as HTMLInputElement;
    const note = el.querySelector('.zf-note') as HTMLElement;

    typeInto(number, '2000');
    expect(seen).toEqual([]);
    expect(note.hidden).toBe(false);
    expect(note.textContent).toMatch(/1 to 1,024/);
    expect(el.value).toBe(256);

    typeInto(number, '3.5');
    expect(seen).toEqual([]);

    typeInto(number, '300');
    expect(seen).toEqual([300]);
    expect(note.hidden).toBe(true);
    el.remove();
  });

  it('respects exclusive minimums (gain must be > 0)', () => {
    const el = control(paramSpec('gain'));
    document.body.append(el);
    const seen = recordInputs(el);
    const number = el.querySelector('input[type=number]') as HTMLInputElement;
    typeInto(number, '0');
    expect(seen).toEqual([]);
    typeInto(number, '0.004');
    expect(seen).toEqual([0.004]);
    el.remove();
  });

  it('a log slider steps through sensible values and says its value with its unit', () => {
    const el = control(paramSpec('hidden'), 256, 'de');
    document.body.append(el);
    const seen = recordInputs(el);
    const slider = el.querySelector('input[type=range]') as HTMLInputElement;
    expect(slider.getAttribute('aria-label')).toBe('Versteckte Neuronen pro Lage');
    expect(slider.getAttribute('aria-valuetext')).toBe('256 Neuronen');
    expect(slider.getAttribute('step')).toBe('1');
    slider.value = '6'; // one arrow press below 128: the slider's positions are the listed values 1, 2, 4 … 1024
    slider.dispatchEvent(new Event('input', { bubbles: true }));
    expect(seen).toEqual([64]);
    expect(slider.getAttribute('aria-valuetext')).toBe('64 Neuronen');
    el.remove();

    const lr = control(paramSpec('lr'), 0.25);
    const lrSlider = lr.querySelector('input[type=range]') as HTMLInputElement;
    const steps = (paramSpec('lr') as unknown as { values: number[] }).values;
    expect(steps.slice(steps.indexOf(0.01), steps.indexOf(1) + 1)).toEqual([0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1]);
    expect(Number(lrSlider.value)).toBe(steps.indexOf(0.25));
    lrSlider.value = String(steps.indexOf(0.25) + 1);
    lrSlider.dispatchEvent(new Event('input', { bubbles: true }));
    expect(lr.value).toBe(0.5);
    expect(stepPosition([16, 32, 64], 45.25)).toBeCloseTo(1.5, 2); // a typed value between steps sits between them
  });

  it('labels every input: sliders, radio groups (in words, not code names), toggles', () => {
    const augment = control(paramSpec('augment'), 'crop', 'de');
    expect(augment.querySelector('[role=radiogroup]')?.getAttribute('aria-label')).toBe(paramSpec('augment').label.de);
    expect([...augment.querySelectorAll('label')].map((l) => l.textContent).slice(1)).toEqual(['zufällige Ausschnitte', 'leichte Ausschnitte', 'keine']);
    const toggle = control(paramSpec('preprocess'), true, 'en');
    expect(toggle.querySelector('input[type=checkbox]')?.getAttribute('aria-label')).toBe(paramSpec('preprocess').label.en);
    for (const spec of PARAMS) {
      for (const input of control(spec).querySelectorAll('input[type=range]')) expect(input.getAttribute('aria-label'), spec.name).toBe(spec.label.en);
    }
  });

  it('enum and boolean controls emit their option values', () => {
    const backend = control(paramSpec('backend'));
    document.body.append(backend);
    const seen = recordInputs(backend);
    const ideal = backend.querySelector('input[value="1"]') as HTMLInputElement;
    ideal.checked = true;
    ideal.dispatchEvent(new Event('input', { bubbles: true }));
    expect(seen).toEqual(['ideal']);

    const toggle = control(paramSpec('preprocess'), false);
    expect(toggle.value).toBe(false);
    toggle.value = true;
    expect(toggle.value).toBe(true);
  });

  it('rejects invalid values set from code, naming the parameter', () => {
    const el = control(paramSpec('epochs'));
    expect(() => { el.value = 0; }).toThrow(/epochs/);
    expect(el.value).toBe(4);
    expect(() => control(paramSpec('epochs'), 1000)).toThrow(/epochs/);
    expect(() => control(paramSpec('epochs'), 4, 'fr' as 'en')).toThrow(/lang/);
  });

  it('uses number fields for huge integer ranges and slider extents for log scales from 0', () => {
    expect(sliderExtent(paramSpec('seed'))).toBeNull();
    expect(control(paramSpec('seed')).querySelector('input[type=range]')).toBeNull();
    expect(sliderExtent(paramSpec('lr'))).toEqual([1e-4, 10]);
    expect(allowedText(paramSpec('epochs'), 'de')).toBe('eine ganze Zahl von 1 bis 100');
  });
});
