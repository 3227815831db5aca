/**
 * The mock's noise drawn ahead on the second thread (the largest single cost of a training step):
 * every mock layer seeds a NormalSource from four draws of the run's noise Rng, so the trainer draws
 * those seeds for a planned batch from a twin of that Rng (the same stream, run ahead) and the thread
 * fills the values; the engine finds them by seed (NoiseSupply) or draws them itself.
 */
import { noiseDrawPlan } from '../../hagen/fast/index';
import { drawNormalSeed, NORMAL_SEED_WORDS } from '../../hagen/fast/normal';
import type { NoiseSupply } from '../../hagen/types';
import type { Rng } from '../../random';
import type { AugmentThread } from './thread';

/** Noise buffers kept for reuse (the passes in flight plus one). */
const SPARE_NOISE_BUFFERS = 4;

/** What the mock engine will draw noise for: a twin of the run's noise Rng, the std, the layer shapes. */
export interface NoisePlan {
  /** the same stream as the Rng given to the engine, not shared with it: it runs ahead */
  rng: Rng;
  std: number;
  layers: readonly { inFeatures: number; outFeatures: number }[];
}

/** One forward pass's noise drawn on the thread: the seeds of its layers and their values. */
export class DrawnNoise implements NoiseSupply {
  private readonly offsets: number[] = [];
  private nextPart = 0;

  constructor(private readonly seeds: Int32Array, private readonly counts: number[], private readonly std: number, readonly values: Float32Array) {
    let at = 0;
    for (const count of counts) { this.offsets.push(at); at += count; }
  }

  take(seed: Int32Array, std: number, target: Float32Array): boolean {
    if (std !== this.std) return false;
    const seeds = this.seeds;
    // Parts are asked for in order; one the engine did not ask for (it drew none) is skipped.
    for (let part = this.nextPart; part < this.counts.length; part++) {
      const at = NORMAL_SEED_WORDS * part;
      if (seeds[at] !== seed[0] || seeds[at + 1] !== seed[1] || seeds[at + 2] !== seed[2] || seeds[at + 3] !== seed[3]) continue;
      this.nextPart = part + 1;
      if (target.length !== this.counts[part]) return false;
      target.set(this.values.subarray(this.offsets[part], this.offsets[part] + target.length));
      return true;
    }
    return false;
  }
}

/** A forward pass's noise on its way: `arrived` turns true when the thread has answered (or failed). */
export interface PendingNoise { drawn: Promise<DrawnNoise | null>; arrived: boolean }

/**
 * Noise for a sequence of forward passes, drawn ahead on an AugmentThread. Every pass draws its
 * layers' seeds from the plan's twin Rng in order (sent or not, so the twin stays in step with the
 * engine's stream); the values' buffers go back and forth between the threads and are reused.
 */
export class NoiseAhead {
  private readonly spare: Float32Array[] = [];
  private readonly inFlight = new Set<number>();
  private closed = false;

  constructor(private readonly plan: NoisePlan, private readonly thread: AugmentThread | null) {
    if (!(Number.isFinite(plan.std) && plan.std > 0)) throw new RangeError(`noise plan: std must be a finite number > 0, got ${plan.std}`);
    if (!Array.isArray(plan.layers) || plan.layers.length === 0) throw new RangeError('noise plan: layers must be a non-empty array of { inFeatures, outFeatures }');
    plan.layers.forEach(({ inFeatures, outFeatures }, i) => {
      if (!(Number.isInteger(inFeatures) && inFeatures > 0 && Number.isInteger(outFeatures) && outFeatures > 0)) {
        throw new RangeError(`noise plan: layer ${i} has inFeatures ${inFeatures}, outFeatures ${outFeatures}; both must be positive integers`);
      }
    });
  }

  /** Whether the thread takes noise requests now. */
  get available(): boolean {
    return !this.closed && (this.thread?.noiseReady ?? false);
  }

  /**
   * The seeds of the next forward pass of `batch` samples; with `send` (and the thread available)
   * its values are requested. Null when nothing was sent: the engine draws that pass itself.
   */
  next(batch: number, send: boolean): PendingNoise | null {
    if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`noise: batch must be a positive integer, got ${batch}`);
    const { layers, std } = this.plan;
    // The engine's own plan: which seeds a forward pass draws, and how many values each one gives.
    const draws = noiseDrawPlan({ backend: 'mock', mock: { noiseStd: std }, layers }, batch);
    const seeds = new Int32Array(draws.reduce((sum, draw) => sum + draw.seedWords, 0));
    let at = 0;
    for (const draw of draws) {
      const seed = drawNormalSeed(this.plan.rng);
      if (seed.length !== draw.seedWords) throw new Error(`noise: a seed has ${seed.length} words, the engine's plan says ${draw.seedWords}`);
      seeds.set(seed, at);
      at += draw.seedWords;
    }
    if (!send || !this.available) return null;
    const counts = draws.map((draw) => draw.values);
    const values = this.buffer(counts.reduce((sum, count) => sum + count, 0));
    let id = 0;
    const pending: PendingNoise = { drawn: Promise.resolve(null), arrived: false };
    const settle = () => { pending.arrived = true; this.inFlight.delete(id); };
    pending.drawn = this.thread!.drawNoise(seeds, counts, std, values, (sent) => { id = sent; this.inFlight.add(sent); }).then(
      (filled) => { settle(); return new DrawnNoise(seeds, counts, std, filled); },
      () => { settle(); return null; });
    return pending;
  }

  /** Hand a pass's values back for reuse once the engine has taken them. */
  release(noise: DrawnNoise): void {
    if (!this.closed && this.spare.length < SPARE_NOISE_BUFFERS) this.spare.push(noise.values);
  }

  /** Stop: cancel what is in flight (no answer reaches this run any more) and drop the buffers. */
  close(): void {
    this.closed = true;
    for (const id of [...this.inFlight]) this.thread?.cancel(id);
    this.inFlight.clear();
    this.spare.length = 0;
  }

  /** A spare buffer's first `length` values (whole buffers travel), or a new one. */
  private buffer(length: number): Float32Array {
    const at = this.spare.findIndex((values) => values.buffer.byteLength >= 4 * length);
    if (at < 0) return new Float32Array(length);
    const [values] = this.spare.splice(at, 1);
    return new Float32Array(values.buffer, 0, length);
  }
}
