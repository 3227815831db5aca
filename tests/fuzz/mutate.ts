/**
 * Shared pieces of the fuzz suite: mutation arbitraries for text and JSON documents, and the one
 * property every parser must have: it returns a value or throws an Error with a message that says
 * which input was bad (never a bare TypeError from deep inside, never a non-Error).
 */
import fc from 'fast-check';
import { expect } from 'vitest';

/** Fixed by default so CI is reproducible; FUZZ_SEED=<n> explores other inputs. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20240501);
export const fuzzOptions = (numRuns: number) => ({ numRuns, seed: FUZZ_SEED });

/**
 * Run `parse`; if it throws, the thrown value must be an Error whose message starts with
 * `messagePrefix` (the parser's own "this file is bad because…" form). Returns the result or null.
 */
export function resultOrNamedError<T>(parse: () => T, messagePrefix: string | RegExp): T | null {
  try {
    return parse();
  } catch (error) {
    expect(error, 'only Error objects may be thrown').toBeInstanceOf(Error);
    const message = (error as Error).message;
    if (typeof messagePrefix === 'string') expect(message.startsWith(messagePrefix), `message should start with ${JSON.stringify(messagePrefix)}: ${message}`).toBe(true);
    else expect(message).toMatch(messagePrefix);
    return null;
  }
}

export type TextMutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'replace'; at: number; text: string }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'delete'; at: number; length: number };

const position = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
const snippet = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.string({ maxLength: 4, unit: 'binary' }),
  fc.constantFrom('"', '{', '}', '[', ']', ',', ':', 'null', '-1', '1e999', 'NaN', '\\u0000', '<script>', '0'),
);

/** Mutations at relative positions (0…1) so one arbitrary works for documents of any length. */
export const textMutation: fc.Arbitrary<{ kind: TextMutation['kind']; at: number; text: string; length: number }> = fc.record({
  kind: fc.constantFrom('truncate', 'replace', 'insert', 'delete') as fc.Arbitrary<TextMutation['kind']>,
  at: position,
  text: snippet,
  length: fc.integer({ min: 1, max: 40 }),
});

export function applyTextMutations(text: string, mutations: readonly { kind: TextMutation['kind']; at: number; text: string; length: number }[]): string {
  let out = text;
  for (const m of mutations) {
    const at = Math.floor(m.at * (out.length + 1));
    switch (m.kind) {
      case 'truncate':
        out = out.slice(0, at);
        break;
      case 'replace':
        out = out.slice(0, at) + m.text + out.slice(at + m.text.length);
        break;
      case 'insert':
        out = out.slice(0, at) + m.text + out.slice(at);
        break;
      case 'delete':
        out = out.slice(0, at) + out.slice(at + m.length);
        break;
    }
  }
  return out;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

function pathsOf(value: Json, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((item, i) => pathsOf(item, [...prefix, i], out));
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) pathsOf(item, [...prefix, key], out);
  return out;
}

/** Values that sit near the edges of what parsers check. */
const edgeValue: fc.Arbitrary<Json> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
  fc.constantFrom<Json>(0, -1, 1, 2, 10, 63, 64, 784, 1000, 1001, 1e308, -1e308, 0.5, 1.5, '', '1', 'AAAA', 'AAA=', null, true, [], {}),
  fc.double().map((x) => (Number.isFinite(x) ? x : null)),
);

export const jsonMutation = fc.record({ pick: fc.nat(), action: fc.constantFrom('replace', 'delete', 'duplicate-array-item'), value: edgeValue });

/** Apply a structural mutation at one of the document's paths (chosen by `pick`). */
export function applyJsonMutation(document: Json, mutation: { pick: number; action: string; value: Json }): Json {
  const copy = structuredClone(document);
  const paths = pathsOf(copy);
  const path = paths[mutation.pick % paths.length];
  if (path.length === 0) return mutation.value;
  let parent: Json = copy;
  for (const key of path.slice(0, -1)) parent = (parent as Record<string | number, Json>)[key];
  const last = path[path.length - 1];
  const container = parent as Record<string | number, Json> & Json[];
  if (mutation.action === 'delete') {
    if (Array.isArray(container)) container.splice(last as number, 1);
    else delete container[last];
  } else if (mutation.action === 'duplicate-array-item' && Array.isArray(container)) {
    container.splice(last as number, 0, structuredClone(container[last as number]));
  } else {
    container[last] = mutation.value;
  }
  return copy;
}
