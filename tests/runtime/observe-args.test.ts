/** Issue 16: observe(name, null) was accepted and failed later, inside the runtime, where nobody saw it. */
import { describe, expect, it } from 'vitest';
import { createNotebook } from '../../lib/runtime/notebook';
import { testHost } from './helpers';

describe('observe() refuses a missing observer at once', () => {
  it.each([null, undefined, 42, 'cb', {}])('observe("a", %j) throws a TypeError naming the cell and what is allowed', (observer) => {
    const nb = createNotebook([{ name: 'a', inputs: [], define: () => 1 }], testHost());
    try {
      expect(() => nb.observe('a', observer as unknown as () => void)).toThrow(TypeError);
      expect(() => nb.observe('a', observer as unknown as () => void)).toThrow(/observe\("a", observer\): observer must be a function \(value, error\) => …, got (null|undefined|number|string|object)/);
      // and the notebook still works
      const seen: unknown[] = [];
      nb.observe('a', (v) => seen.push(v));
      return nb.value('a').then((v) => expect(v).toBe(1));
    } finally {
      setTimeout(() => nb.dispose(), 50);
    }
  });
});
