/**
 * Round half to even ("banker's rounding"): torch.round and Python 3's round() both do this, and hxtorch's mock
 * quantises with torch.round, torchvision's crop sampler with round(). Math.round rounds halves up — wrong for both.
 */
export function roundHalfEven(v: number): number {
  const lower = Math.floor(v);
  const fraction = v - lower;
  if (fraction > 0.5) return lower + 1;
  if (fraction < 0.5) return lower;
  return lower % 2 === 0 ? lower : lower + 1;
}
