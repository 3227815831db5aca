/**
 * torch.optim.Adam (no weight decay, no amsgrad) over Float32Arrays, updated in place.
 * The update runs in the wasm kernel `adamPairs` (lib/hagen/fast/wasm/source.ts) with the same f64
 * arithmetic and float32 stores as `adamUpdate` below, so both give bit-identical parameters; the
 * moments live in the kernel's memory, parameters and gradients are copied in and out per step.
 */
import { KernelMemory } from '../hagen/fast/wasm/runtime';

/** One element's update in plain JS (the definition; the wasm kernel does the same arithmetic). */
function adamUpdate(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, j: number,
  beta1: number, beta2: number, stepSize: number, biasCorrection2Sqrt: number, eps: number): void {
  m[j] = m[j] + (g[j] - m[j]) * (1 - beta1);
  v[j] = v[j] * beta2 + (1 - beta2) * g[j] * g[j];
  p[j] -= (stepSize * m[j]) / (Math.sqrt(v[j]) / biasCorrection2Sqrt + eps);
}

export interface AdamOptions { lr: number; beta1?: number; beta2?: number; eps?: number }

export class Adam {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  private readonly params: Float32Array[];
  private readonly memory = new KernelMemory();
  private readonly total: number;
  /** byte offsets of the concatenated parameters, gradients and moments in kernel memory */
  private readonly at: { p: number; g: number; m: number; v: number };
  private stepCount = 0;

  constructor(params: Float32Array[], { lr, beta1 = 0.9, beta2 = 0.999, eps = 1e-8 }: AdamOptions) {
    if (!(Number.isFinite(lr) && lr > 0)) throw new RangeError(`Adam lr must be a finite number > 0, got ${lr}`);
    for (const [name, beta] of [['beta1', beta1], ['beta2', beta2]] as const) {
      if (!(beta >= 0 && beta < 1)) throw new RangeError(`Adam ${name} must lie in [0, 1), got ${beta}`);
    }
    if (!(eps >= 0)) throw new RangeError(`Adam eps must be >= 0, got ${eps}`);
    this.lr = lr;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.params = params;
    this.total = params.reduce((sum, p) => sum + p.length, 0);
    const bytes = this.total * 4;
    this.at = { p: this.memory.alloc(bytes), g: this.memory.alloc(bytes), m: this.memory.alloc(bytes), v: this.memory.alloc(bytes) };
  }

  get steps(): number {
    return this.stepCount;
  }

  /**
   * One update with gradients in the same order and shapes as the parameters. If a gradient is NaN or
   * infinite nothing changes and it returns false; otherwise it calls `beforeUpdate` (the parameters
   * are still the old ones), updates, and returns true.
   */
  step(grads: Float32Array[], beforeUpdate?: () => void): boolean {
    if (grads.length !== this.params.length) throw new RangeError(`Adam.step: got ${grads.length} gradients for ${this.params.length} parameters`);
    this.params.forEach((p, i) => {
      if (grads[i].length !== p.length) throw new RangeError(`Adam.step: gradient ${i} has ${grads[i].length} values, parameter has ${p.length}`);
    });
    const { beta1, beta2, eps, total, at } = this;
    // Views are made per step: kernel memory never grows after the constructor, but stay safe.
    const p = this.memory.f32(at.p, total), g = this.memory.f32(at.g, total);
    let offset = 0;
    this.params.forEach((param, i) => {
      p.set(param, offset);
      g.set(grads[i], offset);
      offset += param.length;
    });
    // the gradient region is padded to whole vectors with zeros (alloc rounds up; nothing writes there)
    if (!this.memory.exports.allFinite(at.g, total)) return false;
    beforeUpdate?.();
    this.stepCount++;
    const stepSize = this.lr / (1 - beta1 ** this.stepCount);
    const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** this.stepCount);
    const pairs = total >> 1;
    this.memory.exports.adamPairs(at.p, at.g, at.m, at.v, pairs, 1 - beta1, beta2, 1 - beta2, stepSize, biasCorrection2Sqrt, eps);
    if (total % 2 === 1) {
      adamUpdate(p, g, this.memory.f32(at.m, total), this.memory.f32(at.v, total), total - 1, beta1, beta2, stepSize, biasCorrection2Sqrt, eps);
    }
    offset = 0;
    for (const param of this.params) {
      param.set(p.subarray(offset, offset + param.length));
      offset += param.length;
    }
    return true;
  }
}

/** The plain-JS Adam step over separate arrays: the definition the wasm kernel is tested against. */
export function adamStepReference(params: Float32Array[], grads: Float32Array[], expAvg: Float32Array[], expAvgSq: Float32Array[],
  step: number, { lr, beta1 = 0.9, beta2 = 0.999, eps = 1e-8 }: AdamOptions): void {
  const stepSize = lr / (1 - beta1 ** step);
  const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** step);
  params.forEach((p, i) => {
    for (let j = 0; j < p.length; j++) adamUpdate(p, grads[i], expAvg[i], expAvgSq[i], j, beta1, beta2, stepSize, biasCorrection2Sqrt, eps);
  });
}
