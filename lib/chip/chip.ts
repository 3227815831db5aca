/**
 * The emulated BrainScaleS-2 analog core (see shared/spec/emulated-chip.md): two hemispheres of
 * 128 signed inputs × 256 neurons, with the fixed-pattern imperfections of lib/chip/imperfections.ts
 * and trial-to-trial readout noise. Always "emulated": no real chip is attached anywhere.
 *
 * A MAC larger than one block runs as several blocks: the row blocks are the mock's 128-row chunks
 * (lib/hagen/mac.ts chunkRows); block j (row blocks fastest, then column blocks) runs on hemisphere j mod 2.
 * Row blocks are read out separately and added digitally (the mock's addChunk, then clampOutput
 * −128…127); column blocks are concatenated.
 *
 * The rules the chip shares with the mock are the mock's own named functions (lib/hagen/mac.ts: the input
 * and weight ranges with their refusal, the 8-bit saturation, the chunks and their digital sum); this file
 * adds only what is physical: lround instead of round-half-to-even, the per-synapse/driver/neuron factors,
 * the neuron offset, the output compression, the readout noise and the ADC's rounding (adcRead).
 */
import { addChunk, checkInputRange, checkWeightRange, chunkRows, clampOutput, floorClamp8, type RangeRefusal } from '../hagen/mac';
import { NormalSource } from '../hagen/fast/normal';
import { Rng } from '../random';
import type { ChipDevice } from './device';
import {
  DEFAULT_IMPERFECTIONS, DRIVER_COUNT, HEMISPHERES, NEURON_COUNT, NEURONS_PER_HEMISPHERE, ROWS_PER_HEMISPHERE,
  drawChipPattern, type ChipPattern, type Imperfections,
} from './imperfections';

/**
 * Trim settings a calibration programs: driver and neuron-gain factors, neuron offset shifts (LSB).
 * A programmed trim realises its setting with the chip's fixed trim error; an absent one is bypassed.
 */
interface Trims {
  driverAmplitude?: Float32Array; // [DRIVER_COUNT]
  neuronGain?: Float32Array; // [NEURON_COUNT]
  neuronOffset?: Float32Array; // [NEURON_COUNT]
}

/**
 * C's lround: round half away from zero. The hagen-mode mock rounds half to even instead (lib/round.ts,
 * as torch.round), so 2.5 becomes 3 on the chip and 2 in the mock: a real difference of the hardware path.
 */
export function lround(v: number): number {
  return v < 0 ? -Math.round(-v) : Math.round(v);
}

/** Every value lround-ed (the chip's quantisation of inputs and weights; the mock's is roundAll). */
function lroundAll(values: Float32Array): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = lround(values[i]);
  return out;
}

/** Linear for |u| ≤ linearRange, then a tanh knee that approaches `saturation` with slope 1 at the joint. */
export function compressOutput(u: number, saturation: number, linearRange: number): number {
  const magnitude = u < 0 ? -u : u;
  if (magnitude <= linearRange) return u;
  const span = saturation - linearRange;
  const compressed = linearRange + span * Math.tanh((magnitude - linearRange) / span);
  return u < 0 ? -compressed : compressed;
}

/**
 * The chip's ADC read of a membrane change v: the nearest level (halves towards +∞: floor(v + ½)), then the
 * mock's 8-bit saturation. The mock's ADC floors instead (mac.ts floorClamp8); rounding to the nearest level
 * is the emulated hardware's, kept as its own rule.
 */
export function adcRead(v: number): number {
  return floorClamp8(v + 0.5);
}

function checkDims(batch: number, k: number, n: number, numSends: number): void {
  const positiveInt = (name: string, v: number) => {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`chip MAC: ${name} must be a positive integer, got ${v}`);
  };
  positiveInt('batch', batch);
  positiveInt('k (input rows)', k);
  positiveInt('n (output columns)', n);
  positiveInt('numSends', numSends);
}

/** The chip's words for a value the mock's range rule refuses: the raw value, what it rounds to, the range. */
function chipRefusal(what: 'input' | 'weight', name: string, raw: Float32Array): RangeRefusal {
  const signed = (v: number) => (v < 0 ? `−${-v}` : `${v}`);
  return (i, v, min, max) => new RangeError(`chip MAC: ${what} ${name}[${i}] = ${raw[i]} rounds to ${v}, outside the allowed ${what} range ${signed(min)}…${signed(max)}`);
}

/** Inputs rounded with lround, then the mock's range rule 0…31 (like the mock, the chip refuses; it does not clamp). */
function encodeInputs(x: Float32Array): Float32Array {
  const xq = lroundAll(x);
  checkInputRange(xq, chipRefusal('input', 'x', x));
  return xq;
}

/** Weights rounded with lround, then the mock's range rule −63…63. */
function encodeWeights(w: Float32Array): Float32Array {
  const wq = lroundAll(w);
  checkWeightRange(wq, chipRefusal('weight', 'w', w));
  return wq;
}

interface EmulatedChipOptions {
  imperfections?: Imperfections;
  /** Readout-noise stream; by default one the chip owns, derived from its id. A NormalSource is shared as is. */
  noise?: Rng | NormalSource;
  /** Trims programmed by a calibration; absent = uncalibrated. */
  trims?: Trims;
}

export class EmulatedChip implements ChipDevice {
  readonly id: number;
  readonly calibrated: boolean;
  readonly imperfections: Imperfections;
  readonly pattern: ChipPattern;
  readonly trims: Readonly<Trims>;
  /** Effective per-element values after the trims (and their realisation errors). */
  private readonly driver: Float32Array;
  private readonly neuronGain: Float32Array;
  private readonly neuronOffset: Float32Array;
  /**
   * driver × neuron gain × synapse mismatch for every synapse and sign, [DRIVER_COUNT × 256 × 2] like the
   * pattern's mismatch: programming a block is then one multiply per weight.
   */
  private readonly synapseFactor: Float32Array;
  private readonly noise: NormalSource;
  private readonly acc = new Float64Array(NEURONS_PER_HEMISPHERE);
  /** Scratch for accumulate: offsets into the block and values of one vector's non-zero inputs. */
  private readonly activeRowStart = new Int32Array(ROWS_PER_HEMISPHERE);
  private readonly activeRowValue = new Float64Array(ROWS_PER_HEMISPHERE);
  /** One vector's reads of one block (readout): the readout noise is drawn into it, then replaced by the reads. */
  private readonly reads = new Float32Array(NEURONS_PER_HEMISPHERE);

  constructor(chipId: number, options: EmulatedChipOptions = {}, pattern?: ChipPattern) {
    this.imperfections = options.imperfections ?? DEFAULT_IMPERFECTIONS;
    this.pattern = pattern ?? drawChipPattern(chipId, this.imperfections);
    this.id = chipId;
    const noise = options.noise ?? Rng.derive(chipId, 'chip/readout-noise');
    this.noise = noise instanceof NormalSource ? noise : new NormalSource(noise);
    const trims = options.trims ?? {};
    checkTrims(trims);
    this.trims = trims;
    this.calibrated = trims.driverAmplitude !== undefined || trims.neuronGain !== undefined || trims.neuronOffset !== undefined;
    const p = this.pattern;
    const trimmedFactor = (raw: Float32Array, setting: Float32Array | undefined, error: Float32Array) =>
      setting ? raw.map((v, i) => v * setting[i] * (1 + error[i])) : raw;
    this.driver = trimmedFactor(p.driverAmplitude, trims.driverAmplitude, p.driverTrimError);
    this.neuronGain = trimmedFactor(p.neuronGain, trims.neuronGain, p.neuronGainTrimError);
    const offsetSetting = trims.neuronOffset;
    this.neuronOffset = offsetSetting ? p.neuronOffset.map((v, i) => v + offsetSetting[i] + p.neuronOffsetTrimError[i]) : p.neuronOffset;
    this.synapseFactor = new Float32Array(p.synapseMismatch.length);
    for (let d = 0; d < DRIVER_COUNT; d++) {
      const neuronBase = Math.floor(d / ROWS_PER_HEMISPHERE) * NEURONS_PER_HEMISPHERE;
      const base = d * NEURONS_PER_HEMISPHERE * 2;
      for (let c = 0; c < NEURONS_PER_HEMISPHERE; c++) {
        const factor = this.driver[d] * this.neuronGain[neuronBase + c];
        this.synapseFactor[base + 2 * c] = factor * p.synapseMismatch[base + 2 * c];
        this.synapseFactor[base + 2 * c + 1] = factor * p.synapseMismatch[base + 2 * c + 1];
      }
    }
  }

  /** The same physical chip (same pattern, same noise source) with `trims` programmed instead. */
  withTrims(trims: Trims | undefined): EmulatedChip {
    return new EmulatedChip(this.id, { imperfections: this.imperfections, noise: this.noise, trims }, this.pattern);
  }

  /** The same chip and trims, reading out with another noise stream (e.g. for reproducible lab runs). */
  withNoise(noise: Rng): EmulatedChip {
    return new EmulatedChip(this.id, { imperfections: this.imperfections, noise, trims: this.trims }, this.pattern);
  }

  get baseGain(): number {
    return this.pattern.baseGain;
  }

  mac(x: Float32Array, batch: number, w: Float32Array, k: number, n: number, numSends: number): Float32Array {
    checkDims(batch, k, n, numSends);
    if (x.length !== batch * k) throw new RangeError(`chip MAC: x has ${x.length} values, expected batch × k = ${batch} × ${k}`);
    if (w.length !== k * n) throw new RangeError(`chip MAC: w has ${w.length} values, expected k × n = ${k} × ${n}`);
    const xq = encodeInputs(x);
    const wq = encodeWeights(w);
    // The row blocks are the mock's 128-row chunks (ROWS_PER_HEMISPHERE is ROWS_PER_CHUNK).
    const rowBlocks = chunkRows(k);
    const colBlocks = Math.ceil(n / NEURONS_PER_HEMISPHERE);
    const y = new Float32Array(batch * n);
    for (let cb = 0; cb < colBlocks; cb++) {
      const col0 = cb * NEURONS_PER_HEMISPHERE;
      const cols = Math.min(NEURONS_PER_HEMISPHERE, n - col0);
      rowBlocks.forEach(({ start: row0, end }, rb) => {
        const rows = end - row0;
        const hemisphere = (cb * rowBlocks.length + rb) % HEMISPHERES;
        // The programmed block: weights times everything fixed (driver, synapse, neuron gain, base gain, sends).
        const weff = this.effectiveWeights(hemisphere, wq, n, row0, rows, col0, cols, numSends);
        for (let b = 0; b < batch; b++) {
          this.accumulate(xq, b * k + row0, rows, weff, cols);
          addChunk(y, this.readout(hemisphere, cols), b * n + col0, cols);
        }
      });
    }
    // The digital sum of the row blocks saturates like the mock's.
    clampOutput(y);
    return y;
  }

  /**
   * Lab access: drive hemisphere `hemisphere` directly with `x` [batch × 128] (integers 0…31) and
   * `w` [128 × 256] and return every neuron's raw ADC read [batch × 256]. Calibration uses this.
   */
  readBlock(hemisphere: number, x: Float32Array, batch: number, w: Float32Array, numSends: number): Float32Array {
    if (!Number.isInteger(hemisphere) || hemisphere < 0 || hemisphere >= HEMISPHERES) throw new RangeError(`chip readBlock: hemisphere must be 0 or 1, got ${hemisphere}`);
    checkDims(batch, ROWS_PER_HEMISPHERE, NEURONS_PER_HEMISPHERE, numSends);
    if (x.length !== batch * ROWS_PER_HEMISPHERE) throw new RangeError(`chip readBlock: x has ${x.length} values, expected batch × ${ROWS_PER_HEMISPHERE}`);
    if (w.length !== ROWS_PER_HEMISPHERE * NEURONS_PER_HEMISPHERE) throw new RangeError(`chip readBlock: w has ${w.length} values, expected ${ROWS_PER_HEMISPHERE} × ${NEURONS_PER_HEMISPHERE}`);
    const xq = encodeInputs(x);
    const wq = encodeWeights(w);
    const weff = this.effectiveWeights(hemisphere, wq, NEURONS_PER_HEMISPHERE, 0, ROWS_PER_HEMISPHERE, 0, NEURONS_PER_HEMISPHERE, numSends);
    const reads = new Float32Array(batch * NEURONS_PER_HEMISPHERE);
    for (let b = 0; b < batch; b++) {
      this.accumulate(xq, b * ROWS_PER_HEMISPHERE, ROWS_PER_HEMISPHERE, weff, NEURONS_PER_HEMISPHERE);
      reads.set(this.readout(hemisphere, NEURONS_PER_HEMISPHERE), b * NEURONS_PER_HEMISPHERE);
    }
    return reads;
  }

  /**
   * Chip time: per vector and per run (two blocks run at once, one per hemisphere), the busier
   * hemisphere's non-zero inputs × numSends events, each `waitBetweenEvents` cycles apart, plus the
   * fixed reset/baseline/readout overhead. `n` (default ≤ 256 columns) only adds column blocks.
   */
  chipTimeSeconds(x: Float32Array, batch: number, k: number, numSends: number, n = NEURONS_PER_HEMISPHERE): number {
    checkDims(batch, k, n, numSends);
    if (x.length !== batch * k) throw new RangeError(`chip time: x has ${x.length} values, expected batch × k = ${batch} × ${k}`);
    const { waitBetweenEvents, cycleSeconds, overheadSecondsPerRun } = this.imperfections;
    const rowBlocks = Math.ceil(k / ROWS_PER_HEMISPHERE);
    const blocks = rowBlocks * Math.ceil(n / NEURONS_PER_HEMISPHERE);
    const runs = Math.ceil(blocks / HEMISPHERES);
    const nonZeroPerRowBlock = new Int32Array(rowBlocks);
    let events = 0;
    for (let b = 0; b < batch; b++) {
      nonZeroPerRowBlock.fill(0);
      const base = b * k;
      for (let i = 0; i < k; i++) if (lround(x[base + i]) !== 0) nonZeroPerRowBlock[(i / ROWS_PER_HEMISPHERE) | 0]++;
      for (let run = 0; run < runs; run++) {
        let busiest = 0;
        for (let j = run * HEMISPHERES; j < Math.min(blocks, (run + 1) * HEMISPHERES); j++) busiest = Math.max(busiest, nonZeroPerRowBlock[j % rowBlocks]);
        events += busiest * numSends;
      }
    }
    return events * waitBetweenEvents * cycleSeconds + batch * runs * overheadSecondsPerRun;
  }

  private effectiveWeights(hemisphere: number, wq: Float32Array, n: number, row0: number, rows: number, col0: number, cols: number, numSends: number): Float32Array {
    const weff = new Float32Array(rows * cols);
    const scale = this.pattern.baseGain * numSends;
    const factor = this.synapseFactor;
    for (let r = 0; r < rows; r++) {
      const synapseBase = (hemisphere * ROWS_PER_HEMISPHERE + r) * NEURONS_PER_HEMISPHERE * 2;
      const wBase = (row0 + r) * n + col0;
      const outBase = r * cols;
      for (let c = 0; c < cols; c++) {
        const v = wq[wBase + c];
        if (v !== 0) weff[outBase + c] = v * scale * factor[synapseBase + 2 * c + (v > 0 ? 0 : 1)];
      }
    }
    return weff;
  }

  /**
   * acc[0..cols) = Σ over non-zero inputs of x · weff row (zero inputs send no event). Four rows per pass
   * over acc: the accumulator is loaded and stored a quarter as often (≈2× faster than one row per pass).
   */
  private accumulate(xq: Float32Array, xBase: number, rows: number, weff: Float32Array, cols: number): void {
    const acc = this.acc;
    const rowStart = this.activeRowStart;
    const rowValue = this.activeRowValue;
    acc.fill(0, 0, cols);
    let active = 0;
    for (let r = 0; r < rows; r++) {
      const v = xq[xBase + r];
      if (v === 0) continue;
      rowStart[active] = r * cols;
      rowValue[active++] = v;
    }
    let j = 0;
    for (; j + 3 < active; j += 4) {
      const a = rowStart[j], b = rowStart[j + 1], c2 = rowStart[j + 2], d = rowStart[j + 3];
      const va = rowValue[j], vb = rowValue[j + 1], vc = rowValue[j + 2], vd = rowValue[j + 3];
      for (let c = 0; c < cols; c++) acc[c] += va * weff[a + c] + vb * weff[b + c] + vc * weff[c2 + c] + vd * weff[d + c];
    }
    for (; j < active; j++) {
      const a = rowStart[j], va = rowValue[j];
      for (let c = 0; c < cols; c++) acc[c] += va * weff[a + c];
    }
  }

  /**
   * Offset, output compression, readout noise and the ADC (adcRead) for one vector's `cols` neurons of a block:
   * the reads in the first `cols` entries of a scratch array, valid until the next readout.
   */
  private readout(hemisphere: number, cols: number): Float32Array {
    const acc = this.acc;
    const offset = this.neuronOffset;
    const saturation = this.pattern.saturation;
    const neuronBase = hemisphere * NEURONS_PER_HEMISPHERE;
    const { linearRange, readoutNoise } = this.imperfections;
    const reads = this.reads;
    if (readoutNoise > 0) this.noise.fill(reads, readoutNoise, 0, cols);
    else reads.fill(0, 0, cols);
    for (let c = 0; c < cols; c++) {
      const u = acc[c] + offset[neuronBase + c];
      // Inside the linear range (the common case) compressOutput is the identity.
      const v = (u <= linearRange && u >= -linearRange ? u : compressOutput(u, saturation[neuronBase + c], linearRange)) + reads[c];
      reads[c] = adcRead(v);
    }
    return reads;
  }
}

function checkTrims(trims: Trims): void {
  const check = (name: keyof Trims, length: number) => {
    const a = trims[name];
    if (a === undefined) return;
    if (!(a instanceof Float32Array) || a.length !== length) throw new RangeError(`chip trims: ${name} must be a Float32Array of ${length} values`);
    for (let i = 0; i < length; i++) if (!Number.isFinite(a[i])) throw new RangeError(`chip trims: ${name}[${i}] is not a finite number`);
  };
  check('driverAmplitude', DRIVER_COUNT);
  check('neuronGain', NEURON_COUNT);
  check('neuronOffset', NEURON_COUNT);
}

/** The emulated chip with id `chipId` (uncalibrated). */
export function createChip(chipId: number, imperfections?: Imperfections): EmulatedChip {
  return new EmulatedChip(chipId, { imperfections });
}
