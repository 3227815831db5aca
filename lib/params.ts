/**
 * The one typed table of everything a reader can set: controls, URL, `set()` and the CLI's `--set`
 * all parse and validate through here, so a value is allowed in one place iff it is allowed in all.
 */
import { formatNumber } from './ui/i18n';

type ParamKind = 'int' | 'number' | 'enum' | 'boolean' | 'intList';

interface ParamBase<T> {
  name: string;
  kind: ParamKind;
  default: T;
  label: { en: string; de: string };
  /** One sentence: what to look for when changing it. */
  help: { en: string; de: string };
  /** The unit a value is read with (screen readers: aria-valuetext "256 neurons"), [singular, plural]. */
  unit?: { en: readonly [string, string]; de: readonly [string, string] };
}
export interface IntParam extends ParamBase<number> {
  kind: 'int';
  min: number;
  max: number;
  /** Suggested slider step / log scale for controls. */
  step?: number;
  log?: boolean;
  /** Values a slider steps through (one arrow press = one value), for log-scale parameters. */
  values?: readonly number[];
}
interface NumberParam extends ParamBase<number> {
  kind: 'number';
  min: number;
  max: number;
  /** Whether `min` itself is allowed (gain must be > 0, noise may be 0). */
  minExclusive?: boolean;
  step?: number;
  log?: boolean;
  values?: readonly number[];
  /** Shown as a percentage (0.1 → "10 %"). */
  percent?: boolean;
}
export interface EnumParam extends ParamBase<string> {
  kind: 'enum';
  options: readonly string[];
  /** What each option is called on the page (the code name may follow in small print). */
  optionLabels: Readonly<Record<string, { en: string; de: string }>>;
}
interface BooleanParam extends ParamBase<boolean> {
  kind: 'boolean';
}
/** A comma-separated list of distinct integers (e.g. the capacity sweep's widths), kept in ascending order. */
interface IntListParam extends ParamBase<readonly number[]> {
  kind: 'intList';
  min: number;
  max: number;
  maxLength: number;
}
export type ParamSpec = IntParam | NumberParam | EnumParam | BooleanParam | IntListParam;

const t = (en: string, de: string) => ({ en, de });
const u = (en: readonly [string, string], de: readonly [string, string]) => ({ en, de });

export const PARAMS = [
  {
    // First in the table, so a link's or the CLI's other settings apply after it (lib/presets.ts).
    name: 'preset', kind: 'enum', default: 'tutorial', options: ['tutorial', 'recommended'],
    optionLabels: { tutorial: t('the tutorial\'s (about 84 %)', 'die des Tutorials (etwa 84 %)'), recommended: t('recommended (about 97.5 %)', 'empfohlen (etwa 97,5 %)') },
    label: t('Settings', 'Einstellungen'),
    help: t('tutorial: the seed tutorial\'s model and training (~84 %); recommended: a convolution in front, no crops, 10 epochs (~97.5 %), with the same chip rules. Choosing one sets the values it names; you can change them afterwards.',
      'tutorial: Modell und Training des Tutorials (~84 %); recommended: eine Faltung davor, keine Ausschnitte, 10 Epochen (~97,5 %), mit denselben Chip-Regeln. Die Auswahl setzt die genannten Werte; danach kannst du sie weiter ändern.'),
  },
  {
    name: 'backend', kind: 'enum', default: 'mock', options: ['mock', 'ideal', 'chip'],
    optionLabels: { mock: t('chip model (mock)', 'Chip-Modell (Mock)'), ideal: t('ideal, no noise', 'ideal, ohne Rauschen'), chip: t('emulated chip', 'emulierter Chip') },
    label: t('Where the network computes', 'Wo das Netz rechnet'),
    help: t('Chip model: software that behaves like the chip (few bits, noise); ideal: exact numbers without rounding or noise; emulated chip: every step on the emulated chip.',
      'Chip-Modell: Software, die sich wie der Chip verhält (wenige Bits, Rauschen); ideal: genaue Zahlen ohne Runden und Rauschen; emulierter Chip: jeder Schritt auf dem emulierten Chip.'),
  },
  {
    name: 'hidden', kind: 'int', default: 256, min: 1, max: 1024, log: true,
    values: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024], unit: u(['neuron', 'neurons'], ['Neuron', 'Neuronen']),
    label: t('Hidden neurons per layer', 'Versteckte Neuronen pro Lage'),
    help: t('Too few neurons cannot represent the digits; too many can memorise the training set.',
      'Zu wenige Neuronen können die Ziffern nicht abbilden; zu viele lernen die Trainingsbeispiele auswendig.'),
  },
  {
    name: 'layers', kind: 'int', default: 2, min: 1, max: 4, unit: u(['layer', 'layers'], ['Lage', 'Lagen']),
    label: t('Hidden layers', 'Versteckte Lagen'),
    help: t('The tutorial code uses two hidden layers; its prose speaks of one.', 'Der Code des Tutorials nutzt zwei versteckte Lagen; der Text spricht von einer.'),
  },
  {
    name: 'conv', kind: 'int', default: 0, min: 0, max: 64, unit: u(['channel', 'channels'], ['Kanal', 'Kanäle']),
    label: t('Convolution channels (0 = none)', 'Faltungskanäle (0 = keine)'),
    help: t('A hagen-mode convolution in front of the dense layers: the same chip MAC on every image patch, with this many channels. 0: the tutorial\'s plain MLP.',
      'Eine Faltung im hagen-Modus vor den dichten Lagen: derselbe Chip-MAC auf jedem Bildausschnitt, mit so vielen Kanälen. 0: das reine MLP des Tutorials.'),
  },
  {
    name: 'convKernel', kind: 'int', default: 10, min: 2, max: 28, unit: u(['pixel', 'pixels'], ['Pixel', 'Pixel']),
    label: t('Convolution kernel (pixels)', 'Faltungskern (Pixel)'),
    help: t('Side of the square patch each channel looks at; kernel² inputs per patch (128 rows per chunk on the chip).', 'Seitenlänge des quadratischen Ausschnitts, den jeder Kanal sieht; kernel² Eingänge pro Ausschnitt (128 Zeilen pro Block auf dem Chip).'),
  },
  {
    name: 'convStride', kind: 'int', default: 5, min: 1, max: 28, unit: u(['pixel', 'pixels'], ['Pixel', 'Pixel']),
    label: t('Convolution stride (pixels)', 'Faltungsschritt (Pixel)'),
    help: t('How far the patch moves between positions: smaller gives more positions and more work.', 'Wie weit der Ausschnitt zwischen zwei Positionen rückt: kleiner gibt mehr Positionen und mehr Arbeit.'),
  },
  {
    name: 'shift', kind: 'int', default: 1, min: 0, max: 4, unit: u(['bit', 'bits'], ['Bit', 'Bit']),
    label: t('Shift between layers (ConvertingReLU)', 'Verschiebung zwischen den Lagen (ConvertingReLU)'),
    help: t('How many bits the 8-bit output is shifted right to become the next 5-bit input.', 'Um wie viele Bits die 8-Bit-Ausgabe nach rechts geschoben wird, um zur nächsten 5-Bit-Eingabe zu werden.'),
  },
  {
    name: 'lr', kind: 'number', default: 0.25, min: 0, max: 10, minExclusive: true, log: true,
    values: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    label: t('Learning rate', 'Lernrate'),
    help: t('How big each weight step is. Too big and the network stops learning.', 'Wie groß jeder Schritt der Gewichte ist. Ist er zu groß, lernt das Netz nichts mehr.'),
  },
  {
    name: 'lrSchedule', kind: 'enum', default: 'constant', options: ['constant', 'cosine'],
    optionLabels: { constant: t('constant (as in the tutorial)', 'gleichbleibend (wie im Tutorial)'), cosine: t('falling to 0 (cosine)', 'fallend bis 0 (Kosinus)') },
    label: t('Learning-rate schedule', 'Verlauf der Lernrate'),
    help: t('Constant: the tutorial\'s fixed rate. Falling to 0: from the rate above down to 0 over the training, so the last epochs settle the weights.',
      'Gleichbleibend: die feste Rate des Tutorials. Fallend bis 0: von der Rate oben im Lauf des Trainings bis auf 0, damit sich die Gewichte in den letzten Epochen setzen.'),
  },
  {
    name: 'epochs', kind: 'int', default: 4, min: 1, max: 100, unit: u(['epoch', 'epochs'], ['Epoche', 'Epochen']),
    label: t('Epochs', 'Epochen'),
    help: t('How many times every training image is shown.', 'Wie oft jedes Trainingsbild gezeigt wird.'),
  },
  {
    name: 'batchSize', kind: 'int', default: 200, min: 1, max: 10000, unit: u(['image', 'images'], ['Bild', 'Bilder']),
    label: t('Images per step (batch size)', 'Bilder pro Schritt (Batch-Größe)'),
    help: t('Images per weight update.', 'Bilder pro Anpassung der Gewichte.'),
  },
  {
    name: 'augment', kind: 'enum', default: 'crop', options: ['crop', 'mild', 'none'],
    optionLabels: { crop: t('random crops', 'zufällige Ausschnitte'), mild: t('mild crops', 'leichte Ausschnitte'), none: t('none', 'keine') },
    label: t('Varying the training images (augmentation)', 'Trainingsbilder abwandeln (Augmentierung)'),
    help: t('Random crops: the tutorial\'s RandomResizedCrop (8–100 % of the area); mild: 60–100 %; none: the images as they are.',
      'Zufällige Ausschnitte: RandomResizedCrop des Tutorials (8–100 % der Fläche); leichte: 60–100 %; keine: die Bilder unverändert.'),
  },
  {
    name: 'noise', kind: 'number', default: 2.0, min: 0, max: 64, unit: u(['output step', 'output steps'], ['Ausgabestufe', 'Ausgabestufen']),
    label: t('Noise of the chip model', 'Rauschen des Chip-Modells'),
    help: t('Standard deviation of the analog noise added per block of 128 rows, in output steps (LSB).', 'Standardabweichung des analogen Rauschens pro Block aus 128 Zeilen, in Ausgabestufen (LSB).'),
  },
  {
    name: 'gain', kind: 'number', default: 0.002, min: 0, max: 1, minExclusive: true, log: true,
    values: [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    label: t('Gain of the chip model', 'Verstärkung des Chip-Modells'),
    help: t('Output units per unit of input × weight. Layers read it when they are initialised.', 'Ausgabeeinheiten pro Einheit Eingabe × Gewicht. Die Lagen lesen sie bei der Initialisierung.'),
  },
  {
    name: 'mockSource', kind: 'enum', default: 'defaults', options: ['defaults', 'measured'],
    optionLabels: { defaults: t('as set here', 'wie hier eingestellt'), measured: t('measured on the chip', 'am Chip gemessen') },
    label: t('Gain and noise of the chip model', 'Verstärkung und Rauschen des Chip-Modells'),
    help: t('As set here: the two values above (hxtorch\'s defaults: 0.002 and 2.0); measured: measured on the emulated chip, as the tutorial does (measure_mock_parameter).',
      'Wie hier eingestellt: die beiden Werte oben (Voreinstellung von hxtorch: 0,002 und 2,0); am Chip gemessen: auf dem emulierten Chip gemessen, wie im Tutorial (measure_mock_parameter).'),
  },
  {
    name: 'chipId', kind: 'int', default: 1, min: 0, max: 9999,
    label: t('Number of the emulated chip', 'Nummer des emulierten Chips'),
    help: t('Each number is a different emulated chip with its own manufacturing imperfections.', 'Jede Nummer ist ein anderer emulierter Chip mit eigenen Fertigungsungenauigkeiten.'),
  },
  {
    name: 'calibration', kind: 'enum', default: 'nightly', options: ['nightly', 'fresh', 'none'],
    optionLabels: { nightly: t('last night\'s', 'von letzter Nacht'), fresh: t('measure now', 'jetzt messen'), none: t('none', 'keine') },
    label: t('Calibration', 'Kalibrierung'),
    help: t('Last night\'s: the calibration shipped with the page; measure now: calibrate the emulated chip now; none: run it uncalibrated.',
      'Von letzter Nacht: die mitgelieferte Kalibrierung; jetzt messen: den emulierten Chip jetzt kalibrieren; keine: unkalibriert betreiben.'),
  },
  {
    name: 'seed', kind: 'int', default: 1, min: 0, max: 2147483647,
    label: t('Random seed', 'Startwert des Zufalls (Seed)'),
    help: t('Same seed, same initial weights, same batches, same noise.', 'Gleicher Startwert, gleiche Anfangsgewichte, gleiche Bildstapel, gleiches Rauschen.'),
  },
  {
    name: 'trainSize', kind: 'int', default: 60000, min: 10, max: 60000, log: true,
    values: [10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 25000, 60000], unit: u(['image', 'images'], ['Bild', 'Bilder']),
    label: t('Training images', 'Trainingsbilder'),
    help: t('Fewer training images make overfitting visible.', 'Weniger Trainingsbilder machen Überanpassung sichtbar.'),
  },
  {
    name: 'labelNoise', kind: 'number', default: 0, min: 0, max: 1, percent: true,
    label: t('Label noise', 'Falsche Beschriftungen'),
    help: t('Fraction of training labels replaced by random ones: a big model learns them by heart.', 'Anteil der zufällig ersetzten Trainingsbeschriftungen: ein großes Modell lernt sie auswendig.'),
  },
  {
    name: 'preprocess', kind: 'boolean', default: true,
    label: t('Centre drawn digits like MNIST', 'Gemalte Ziffern wie MNIST zentrieren'),
    help: t('Scale the drawing into a 20×20 box and centre its mass, as MNIST did with its digits.', 'Die Zeichnung in ein 20×20-Feld skalieren und ihren Schwerpunkt zentrieren, wie bei MNIST.'),
  },
  {
    name: 'sweepWidths', kind: 'intList', default: [4, 8, 16, 32, 64, 128, 256, 512], min: 1, max: 1024, maxLength: 12,
    label: t('Widths of the capacity sweep', 'Breiten für den Kapazitätsvergleich'),
    help: t('Hidden neurons per layer of each run of the capacity sweep, comma-separated.', 'Versteckte Neuronen pro Lage für jeden Lauf des Kapazitätsvergleichs, durch Kommas getrennt.'),
    unit: u(['neuron', 'neurons'], ['Neuron', 'Neuronen']),
  },
] as const satisfies readonly ParamSpec[];

export type ParamName = (typeof PARAMS)[number]['name'];
export type ParamValues = {
  [P in (typeof PARAMS)[number] as P['name']]: P['default'] extends boolean ? boolean : P['default'] extends number ? number : P['default'] extends readonly number[] ? readonly number[] : string;
};

const BY_NAME = new Map<string, ParamSpec>(PARAMS.map((p) => [p.name, p as ParamSpec]));

export function paramSpec(name: string): ParamSpec {
  const spec = BY_NAME.get(name);
  if (!spec) throw new Error(`unknown parameter "${name}"; known parameters: ${[...BY_NAME.keys()].join(', ')}`);
  return spec;
}

export function isParamName(name: string): name is ParamName {
  return BY_NAME.has(name);
}

export function defaultParams(): ParamValues {
  return Object.fromEntries(PARAMS.map((p) => [p.name, p.default])) as unknown as ParamValues;
}

/** Human description of the allowed values, for error messages and help text. */
export function describeAllowed(spec: ParamSpec): string {
  switch (spec.kind) {
    case 'int':
      return `an integer from ${spec.min} to ${spec.max}`;
    case 'number':
      return `a number ${spec.minExclusive ? 'greater than' : 'from'} ${spec.min} ${spec.minExclusive ? 'and at most' : 'to'} ${spec.max}`;
    case 'enum':
      return `one of ${spec.options.join(', ')}`;
    case 'boolean':
      return 'true or false';
    case 'intList':
      return `a comma-separated list of 1 to ${spec.maxLength} different integers from ${spec.min} to ${spec.max}`;
  }
}

/** Two parameter values are the same setting (lists compare by their items). */
export function sameParamValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => Object.is(item, b[i]));
  return Object.is(a, b);
}

function reject(spec: ParamSpec, value: unknown): never {
  const shown = typeof value === 'string' ? JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value) : String(value);
  throw new RangeError(`invalid value ${shown} for "${spec.name}": allowed is ${describeAllowed(spec)}`);
}

/** Check an already-typed value (from `set()` or a control). Returns it, or throws naming the parameter. */
export function validateParam(name: string, value: unknown): ParamValues[ParamName] {
  const spec = paramSpec(name);
  switch (spec.kind) {
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < spec.min || value > spec.max) reject(spec, value);
      return value === 0 ? 0 : value; // -0 is 0: one zero for links, cache keys and sameParamValue
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value) || value > spec.max || value < spec.min || (spec.minExclusive && value === spec.min)) reject(spec, value);
      return value === 0 ? 0 : value;
    case 'enum':
      if (typeof value !== 'string' || !spec.options.includes(value)) reject(spec, value);
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') reject(spec, value);
      return value;
    case 'intList': {
      if (!Array.isArray(value) || value.length < 1 || value.length > spec.maxLength) reject(spec, value);
      const items = value as unknown[];
      if (items.some((v) => typeof v !== 'number' || !Number.isInteger(v) || v < spec.min || v > spec.max)) reject(spec, value);
      if (new Set(items).size !== items.length) reject(spec, value);
      // One canonical form (ascending), so equal settings give equal links and cache keys.
      return Object.freeze([...(items as number[])].sort((a, b) => a - b));
    }
  }
}

/** Parse text (URL, CLI `--set`) strictly, then validate. "1e3" and " 12 " are accepted for numbers; "12abc" is not. */
export function parseParam(name: string, raw: string): ParamValues[ParamName] {
  const spec = paramSpec(name);
  const text = raw.trim();
  switch (spec.kind) {
    case 'int':
    case 'number': {
      if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) reject(spec, raw);
      return validateParam(name, Number(text));
    }
    case 'enum':
      return validateParam(name, text);
    case 'intList':
      if (text.length > spec.maxLength * 6 || !/^\d+(\s*,\s*\d+)*$/.test(text)) reject(spec, raw);
      return validateParam(name, text.split(',').map((item) => Number(item.trim())));
    case 'boolean':
      if (text === 'true' || text === '1') return true;
      if (text === 'false' || text === '0') return false;
      reject(spec, raw);
  }
}

/** A value as a reader reads it, in their language: "256 neurons", "0,25", "10 %", "random crops". */
export function formatParamValue(spec: ParamSpec, value: unknown, lang: 'en' | 'de'): string {
  const number = (v: number, digits = 6) => formatNumber(lang, v, digits);
  const withUnit = (v: number) => (spec.unit ? `${number(v)} ${spec.unit[lang][v === 1 ? 0 : 1]}` : number(v));
  switch (spec.kind) {
    case 'int':
      return withUnit(value as number);
    case 'number':
      return spec.percent ? `${number((value as number) * 100, 4)} %` : withUnit(value as number);
    case 'enum':
      return spec.optionLabels[value as string]?.[lang] ?? String(value);
    case 'boolean':
      return value ? (lang === 'de' ? 'an' : 'on') : (lang === 'de' ? 'aus' : 'off');
    case 'intList':
      return (value as readonly number[]).map((v) => number(v)).join(', ') + (spec.unit ? ` ${spec.unit[lang][1]}` : '');
  }
}

/** The slider's steps for a parameter with `values`: those values, plus `current` where it lies between them. */
export function sliderSteps(spec: ParamSpec, current: number): number[] {
  if ((spec.kind !== 'int' && spec.kind !== 'number') || !spec.values) return [];
  const steps = [...spec.values];
  if (!steps.includes(current)) steps.push(current);
  return steps.sort((a, b) => a - b);
}
