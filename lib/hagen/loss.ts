/** The tutorial's loss: cross_entropy(logits, target) / 64 (mean over the batch), numerically stable. */

export const LOSS_DIVISOR = 64;

/** Returns the loss and dLoss/dlogits ((softmax − onehot) / (batch·64)). */
export function crossEntropy64(logits: Float32Array, labels: Uint8Array, batch: number, classes = 10): { loss: number; dlogits: Float32Array } {
  if (logits.length !== batch * classes) throw new RangeError(`crossEntropy64: logits has ${logits.length} values, expected batch*classes = ${batch * classes}`);
  if (labels.length < batch) throw new RangeError(`crossEntropy64: labels has ${labels.length} entries, expected at least ${batch}`);
  const dlogits = new Float32Array(logits.length);
  let total = 0;
  for (let b = 0; b < batch; b++) {
    const label = labels[b];
    if (label >= classes) throw new RangeError(`crossEntropy64: label ${label} at index ${b} is outside 0..${classes - 1}`);
    let max = -Infinity;
    for (let j = 0; j < classes; j++) max = Math.max(max, logits[b * classes + j]);
    let sumExp = 0;
    for (let j = 0; j < classes; j++) sumExp += Math.exp(logits[b * classes + j] - max);
    const logSumExp = max + Math.log(sumExp);
    total += logSumExp - logits[b * classes + label];
    for (let j = 0; j < classes; j++) {
      const p = Math.exp(logits[b * classes + j] - logSumExp);
      dlogits[b * classes + j] = (p - (j === label ? 1 : 0)) / (batch * LOSS_DIVISOR);
    }
  }
  return { loss: total / batch / LOSS_DIVISOR, dlogits };
}

/** Index of the largest logit per row (first one on ties, like torch.argmax). */
export function argmaxRows(logits: Float32Array, batch: number, classes = 10): Uint8Array {
  const out = new Uint8Array(batch);
  for (let b = 0; b < batch; b++) {
    let best = 0;
    for (let j = 1; j < classes; j++) if (logits[b * classes + j] > logits[b * classes + best]) best = j;
    out[b] = best;
  }
  return out;
}
