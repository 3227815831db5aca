import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSplit, encodeSplit } from '../../lib/data/encoding';
import type { Split } from '../../lib/data/types';
import { fuzzOptions, resultOrNamedError } from './mutate';

/** Small binarised splits (0–3 images) as the seed files. */
const split: fc.Arbitrary<Split> = fc.integer({ min: 0, max: 3 }).chain((count) =>
  fc.record({
    images: fc.uint8Array({ minLength: count * 784, maxLength: count * 784, max: 1 }),
    labels: fc.uint8Array({ minLength: count, maxLength: count, max: 9 }),
    count: fc.constant(count),
  }));

const edit = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.nat(255) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('append' as const), count: fc.integer({ min: 1, max: 120 }) }),
);

function applyEdit(bytes: Uint8Array, e: { kind: 'set'; at: number; value: number } | { kind: 'truncate'; at: number } | { kind: 'append'; count: number }): Uint8Array {
  if (e.kind === 'set') {
    if (bytes.length === 0) return bytes;
    const out = bytes.slice();
    // Hit the 12-byte header most of the time: that is where the interesting checks are.
    out[e.at % 3 === 0 ? e.at % out.length : e.at % Math.min(12, out.length)] = e.value;
    return out;
  }
  if (e.kind === 'truncate') return bytes.slice(0, e.at % (bytes.length + 1));
  const out = new Uint8Array(bytes.length + e.count);
  out.set(bytes);
  return out;
}

describe('fuzz: lib/data/encoding decodeSplit', () => {
  it('decodes what it encodes', () => {
    fc.assert(fc.property(split, (s) => {
      expect(decodeSplit(encodeSplit(s), 'ok.bin')).toEqual(s);
    }), fuzzOptions(200));
  });

  it('damaged files: a consistent split or an Error naming the asset', () => {
    fc.assert(
      fc.property(split, fc.array(edit, { minLength: 1, maxLength: 3 }), (s, edits) => {
        const bytes = edits.reduce(applyEdit, encodeSplit(s));
        const decoded = resultOrNamedError(() => decodeSplit(bytes, 'fuzz.bin'), 'fuzz.bin: ');
        if (decoded) {
          expect(decoded.images.length).toBe(decoded.count * 784);
          expect(decoded.labels.length).toBe(decoded.count);
          expect(decoded.labels.every((label) => label <= 9)).toBe(true);
          expect(decoded.images.every((pixel) => pixel <= 1)).toBe(true);
        }
      }),
      fuzzOptions(1500),
    );
  });
});
