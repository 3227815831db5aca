/**
 * The seam between the hagen-mode engine and "hardware" (DESIGN.md, lib/chip). lib/hagen/types.ts keeps a
 * structural copy so lib/hagen compiles without the chip emulation; keep the two identical.
 */
export interface ChipDevice {
  id: number;
  calibrated: boolean;
  /** y[B,N] = chip's analog x[B,K] @ w[K,N], each vector sent `numSends` times; integers −128…127 in floats. */
  mac(x: Float32Array, batch: number, w: Float32Array /* [K,N] */, k: number, n: number, numSends: number): Float32Array;
  /** Modelled time the chip itself spends on this MAC (not the emulation's wall clock). */
  chipTimeSeconds(x: Float32Array, batch: number, k: number, numSends: number): number;
}
