import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseIdx } from '../../lib/data/idx';
import { fuzzOptions, resultOrNamedError } from './mutate';

/** A well-formed IDX file of unsigned bytes with the given dimensions. */
function idxBytes(dims: number[], fill: number): Uint8Array {
  const size = dims.reduce((a, b) => a * b, 1);
  const bytes = new Uint8Array(4 + 4 * dims.length + size);
  bytes[2] = 0x08;
  bytes[3] = dims.length;
  const view = new DataView(bytes.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  bytes.fill(fill, 4 + 4 * dims.length);
  return bytes;
}

const validIdx = fc.tuple(fc.array(fc.integer({ min: 0, max: 7 }), { minLength: 1, maxLength: 4 }), fc.nat(255)).map(([dims, fill]) => idxBytes(dims, fill));

type ByteMutation = { kind: 'set'; at: number; value: number } | { kind: 'truncate'; at: number } | { kind: 'append'; bytes: Uint8Array };

const byteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.nat(255) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('append' as const), bytes: fc.uint8Array({ maxLength: 8 }) }),
);

function mutate(bytes: Uint8Array, mutations: ByteMutation[]): Uint8Array {
  let out = bytes;
  for (const m of mutations) {
    if (m.kind === 'set') {
      if (out.length === 0) continue;
      out = out.slice();
      out[m.at % out.length] = m.value;
    } else if (m.kind === 'truncate') {
      out = out.slice(0, m.at % (out.length + 1));
    } else {
      const longer = new Uint8Array(out.length + m.bytes.length);
      longer.set(out);
      longer.set(m.bytes, out.length);
      out = longer;
    }
  }
  return out;
}

/** Whatever parseIdx accepts must be self-consistent. */
function checkParsed(bytes: Uint8Array, parsed: ReturnType<typeof parseIdx>): void {
  expect(bytes[0]).toBe(0);
  expect(bytes[1]).toBe(0);
  expect(parsed.dims.length).toBe(bytes[3]);
  expect(parsed.magic).toBe((bytes[2] << 8) | bytes[3]);
  expect(parsed.data.length).toBe(parsed.dims.reduce((a, b) => a * b, 1));
  expect(parsed.data.length).toBe(bytes.length - 4 - 4 * parsed.dims.length);
}

describe('fuzz: lib/data/idx parseIdx', () => {
  it('accepts every well-formed file', () => {
    fc.assert(fc.property(validIdx, (bytes) => checkParsed(bytes, parseIdx(bytes, 'ok.idx'))), fuzzOptions(300));
  });

  it('mutated files: a consistent result or an Error naming the file', () => {
    fc.assert(
      fc.property(validIdx, fc.array(byteMutation, { minLength: 1, maxLength: 4 }), (bytes, mutations) => {
        const mutated = mutate(bytes, mutations);
        const parsed = resultOrNamedError(() => parseIdx(mutated, 'fuzz.idx'), 'fuzz.idx: ');
        if (parsed) checkParsed(mutated, parsed);
      }),
      fuzzOptions(2000),
    );
  });

  it('random bytes (incl. headers declaring gigabytes): a consistent result or an Error naming the file', () => {
    const header = fc.tuple(fc.constantFrom(0, 0x1f), fc.constantFrom(0, 0x8b), fc.constantFrom(0x08, 0x09, 0), fc.nat(6), fc.uint8Array({ maxLength: 40 }))
      .map(([a, b, c, d, rest]) => Uint8Array.from([a, b, c, d, ...rest]));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 64 }), header), (bytes) => {
        const parsed = resultOrNamedError(() => parseIdx(bytes, 'random.idx'), 'random.idx: ');
        if (parsed) checkParsed(bytes, parsed);
      }),
      fuzzOptions(2000),
    );
  });
});
