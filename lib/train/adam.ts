/** torch.optim.Adam (no weight decay, no amsgrad) over Float32Arrays, updated in place. */

export interface AdamOptions { lr: number; beta1?: number; beta2?: number; eps?: number }

export class Adam {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  private readonly params: Float32Array[];
  private readonly expAvg: Float32Array[];
  private readonly expAvgSq: Float32Array[];
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
    this.expAvg = params.map((p) => new Float32Array(p.length));
    this.expAvgSq = params.map((p) => new Float32Array(p.length));
  }

  get steps(): number {
    return this.stepCount;
  }

  /** One update with gradients in the same order and shapes as the parameters. */
  step(grads: Float32Array[]): void {
    if (grads.length !== this.params.length) throw new RangeError(`Adam.step: got ${grads.length} gradients for ${this.params.length} parameters`);
    this.stepCount++;
    const { beta1, beta2, eps } = this;
    const stepSize = this.lr / (1 - beta1 ** this.stepCount);
    const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** this.stepCount);
    this.params.forEach((p, i) => {
      const g = grads[i];
      if (g.length !== p.length) throw new RangeError(`Adam.step: gradient ${i} has ${g.length} values, parameter has ${p.length}`);
      const m = this.expAvg[i];
      const v = this.expAvgSq[i];
      for (let j = 0; j < p.length; j++) {
        m[j] = m[j] + (g[j] - m[j]) * (1 - beta1);
        v[j] = v[j] * beta2 + (1 - beta2) * g[j] * g[j];
        p[j] -= (stepSize * m[j]) / (Math.sqrt(v[j]) / biasCorrection2Sqrt + eps);
      }
    });
  }
}
