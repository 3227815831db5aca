/**
 * torch.optim.Adam (no weight decay, no amsgrad) over Float32Arrays, updated in place, with the
 * float32 arithmetic torch uses for float32 parameters (torch ≥ 2.1 `_single_tensor_adam`, the CPU
 * path): every op rounds to float32, Python-float scalars become float32 first.
 * The update runs in the wasm kernel `adamQuads` (lib/hagen/fast/wasm/source.ts, f32x4 lanes);
 * `adamUpdate` below is the same arithmetic in JS (Math.fround after every + − × ÷ √ is exactly IEEE
 * float32), and a test keeps the two bit-identical. The moments live in the kernel's memory; so do
 * the parameters of an optimiser made with `Adam.resident` (the training loop's: no copies per step),
 * while `new Adam(arrays)` copies the caller's arrays in and out per step. Gradients are copied in.
 * Not modelled: torch's vectorised CPU lerp fuses its multiply-add (one rounding instead of two).
 */
import { KernelMemory } from '../hagen/fast/wasm/runtime';

/** One step's scalars as float32, the way torch hands them to its float32 kernels. */
interface StepScalars {
  /** ATen lerp with weight w = 1−β1: m + w·(g − m) if w < 0.5, else g − (g − m)·(1 − w) = g + (−(1 − w))·(g − m) */
  lerpFromEnd: boolean;
  lerpCoefficient: number;
  beta2: number;
  oneMinusBeta2: number;
  /** −lr / (1 − β1^step): addcdiv's `value` */
  negStepSize: number;
  biasCorrection2Sqrt: number;
  eps: number;
}

function stepScalars(lr: number, beta1: number, beta2: number, eps: number, step: number): StepScalars {
  const f = Math.fround;
  const weight = f(1 - beta1);
  const lerpFromEnd = !(weight < 0.5);
  return {
    lerpFromEnd,
    lerpCoefficient: lerpFromEnd ? -f(1 - weight) : weight,
    beta2: f(beta2),
    oneMinusBeta2: f(1 - beta2),
    negStepSize: f(-(lr / (1 - beta1 ** step))),
    biasCorrection2Sqrt: f(Math.sqrt(1 - beta2 ** step)),
    eps: f(eps),
  };
}

/** One element's update in plain JS (the definition; the wasm kernel does the same float32 arithmetic). */
function adamUpdate(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, j: number, s: StepScalars): void {
  const f = Math.fround;
  const grad = g[j];
  // exp_avg.lerp_(grad, 1 − β1)
  m[j] = f((s.lerpFromEnd ? grad : m[j]) + f(s.lerpCoefficient * f(grad - m[j])));
  // exp_avg_sq.mul_(β2).addcmul_(grad, grad, value = 1 − β2)
  v[j] = f(f(v[j] * s.beta2) + f(f(s.oneMinusBeta2 * grad) * grad));
  // denom = (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps); param.addcdiv_(exp_avg, denom, value = −step_size)
  const denom = f(f(f(Math.sqrt(v[j])) / s.biasCorrection2Sqrt) + s.eps);
  p[j] = f(p[j] + f(f(s.negStepSize * m[j]) / denom));
}

interface AdamOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /**
   * Own the parameters: `adam.params` are views of the optimiser's memory holding copies of the
   * arrays given, updated in place with no copies per step (the arrays given are left alone).
   * Whoever reads or changes them between steps (the engine's in-place weight clamp) works on the
   * optimiser's values directly. Default false: the arrays given are updated, copied in and out per step.
   */
  resident?: boolean;
}

export class Adam {
  /** may change between steps (a learning-rate schedule, lib/train/train.ts) */
  lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  /** The parameters it updates: the caller's arrays, or (resident) views of its own memory. */
  readonly params: Float32Array[];
  private readonly memory = new KernelMemory();
  private readonly total: number;
  /**
   * byte offsets of the concatenated parameters, gradients and moments in kernel memory, and of the
   * parameters before the last update (written by the same kernel pass)
   */
  private readonly at: { p: number; g: number; m: number; v: number; previous: number };
  /** whether `params` are views of `at.p` (nothing to copy in or out) */
  private readonly resident: boolean;
  private stepCount = 0;

  constructor(params: Float32Array[], { lr, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, resident = false }: AdamOptions) {
    if (!(Number.isFinite(lr) && lr > 0)) throw new RangeError(`Adam lr must be a finite number > 0, got ${lr}`);
    for (const [name, beta] of [['beta1', beta1], ['beta2', beta2]] as const) {
      if (!(beta >= 0 && beta < 1)) throw new RangeError(`Adam ${name} must lie in [0, 1), got ${beta}`);
    }
    if (!(eps >= 0)) throw new RangeError(`Adam eps must be >= 0, got ${eps}`);
    this.lr = lr;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.total = params.reduce((sum, p) => sum + p.length, 0);
    // alloc rounds every region up to whole 16-byte vectors; the padding stays zero (p = g = m = v = 0 there)
    const bytes = this.total * 4;
    this.at = {
      p: this.memory.alloc(bytes), g: this.memory.alloc(bytes), m: this.memory.alloc(bytes), v: this.memory.alloc(bytes),
      previous: this.memory.alloc(bytes),
    };
    this.resident = resident === true;
    // Kernel memory never grows after these allocations, so views made now stay valid.
    let offset = 0;
    this.params = params.map((initial) => {
      const view = this.memory.f32(this.at.p + offset * 4, initial.length);
      offset += initial.length;
      if (!this.resident) return initial;
      view.set(initial);
      return view;
    });
  }

  get steps(): number {
    return this.stepCount;
  }

  /**
   * One update with gradients in the same order and shapes as the parameters. If a gradient is NaN or
   * infinite nothing changes and it returns false; otherwise it updates and returns true.
   */
  step(grads: Float32Array[]): boolean {
    if (grads.length !== this.params.length) throw new RangeError(`Adam.step: got ${grads.length} gradients for ${this.params.length} parameters`);
    this.params.forEach((p, i) => {
      if (grads[i].length !== p.length) throw new RangeError(`Adam.step: gradient ${i} has ${grads[i].length} values, parameter has ${p.length}`);
    });
    const { total, at, resident } = this;
    const p = this.memory.f32(at.p, total), g = this.memory.f32(at.g, total);
    let offset = 0;
    this.params.forEach((param, i) => {
      if (!resident) p.set(param, offset);
      g.set(grads[i], offset);
      offset += param.length;
    });
    if (!this.memory.exports.allFinite(at.g, total)) return false;
    this.stepCount++;
    const s = stepScalars(this.lr, this.beta1, this.beta2, this.eps, this.stepCount);
    this.memory.exports.adamQuads(at.p, at.g, at.m, at.v, Math.ceil(total / 4), s.lerpCoefficient, s.lerpFromEnd ? 1 : 0,
      s.beta2, s.oneMinusBeta2, s.negStepSize, s.biasCorrection2Sqrt, s.eps, at.previous);
    if (!resident) {
      offset = 0;
      for (const param of this.params) {
        param.set(p.subarray(offset, offset + param.length));
        offset += param.length;
      }
    }
    return true;
  }

  /**
   * Copies of the parameters as they were before the last update (with whatever changes they had
   * got since the update before: the engine's weight clamp), or null before the first update. A step
   * refused for a non-finite gradient changes nothing, so these stay the last ones updated from.
   */
  previousParams(): Float32Array[] | null {
    if (this.stepCount === 0) return null;
    let offset = 0;
    return this.params.map((param) => {
      const copy = this.memory.f32(this.at.previous + offset * 4, param.length).slice();
      offset += param.length;
      return copy;
    });
  }
}

/** The plain-JS Adam step over separate arrays: the definition the wasm kernel is tested against. */
export function adamStepReference(params: Float32Array[], grads: Float32Array[], expAvg: Float32Array[], expAvgSq: Float32Array[],
  step: number, { lr, beta1 = 0.9, beta2 = 0.999, eps = 1e-8 }: AdamOptions): void {
  const s = stepScalars(lr, beta1, beta2, eps, step);
  params.forEach((p, i) => {
    for (let j = 0; j < p.length; j++) adamUpdate(p, grads[i], expAvg[i], expAvgSq[i], j, s);
  });
}
