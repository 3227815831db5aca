/** The tutorial's loss (cross-entropy / 64) and argmax; they live in lib/hagen because engines compute them. */
export { crossEntropy64, argmaxRows, LOSS_DIVISOR } from '../hagen/loss';
