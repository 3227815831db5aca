import { describe, expect, it } from 'vitest';
import { input, Mutable, observe } from '../../lib/runtime/generators';
import { abortSignal, untilInvalidated } from '../../lib/runtime/cancel';
import { HeadlessView } from '../../lib/runtime/headless-view';

describe('input(view)', () => {
  it('yields the current value, then each value announced by an input event', async () => {
    const view = new HeadlessView(3);
    const values = input(view);
    expect(await values.next().value).toBe(3);
    const pending = values.next().value as Promise<number>;
    view.value = 4;
    view.dispatchEvent(new Event('input'));
    expect(await pending).toBe(4);
  });

  it('keeps only the newest value when several arrive between pulls', async () => {
    const view = new HeadlessView('a');
    const values = input(view);
    await values.next().value;
    for (const v of ['b', 'c']) {
      view.value = v;
      view.dispatchEvent(new Event('input'));
    }
    expect(await values.next().value).toBe('c');
  });

  it('ignores other events and stops listening on return()', async () => {
    const view = new HeadlessView(1);
    let listeners = 0;
    const add = view.addEventListener.bind(view);
    const remove = view.removeEventListener.bind(view);
    view.addEventListener = (...args: Parameters<typeof add>) => (listeners++, add(...args));
    view.removeEventListener = (...args: Parameters<typeof remove>) => (listeners--, remove(...args));
    const values = input(view);
    await values.next().value;
    expect(listeners).toBe(1);
    view.value = 2;
    view.dispatchEvent(new Event('change'));
    let settled = false;
    const pending = values.next().value as Promise<number>;
    void pending.then(() => (settled = true));
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    expect(values.return(undefined)).toEqual({ done: true, value: undefined });
    expect(listeners).toBe(0);
    expect(values.next()).toEqual({ done: true, value: undefined });
  });

  it('refuses something that is not a view', () => {
    expect(() => input({} as HeadlessView)).toThrow(/view must be an EventTarget/);
  });
});

describe('observe and Mutable', () => {
  it('observe calls the cleanup once', () => {
    let cleanups = 0;
    const values = observe<number>(() => () => cleanups++);
    values.return(undefined);
    values.return(undefined);
    expect(cleanups).toBe(1);
  });

  it('observe refuses a non-function cleanup', () => {
    expect(() => observe(() => 5 as unknown as () => void)).toThrow(/cleanup function/);
  });

  it('Mutable streams assignments to readers', async () => {
    const count = new Mutable(0);
    const reader = count.changes();
    expect(await reader.next().value).toBe(0);
    const pending = reader.next().value as Promise<number>;
    count.value = count.value + 1;
    expect(await pending).toBe(1);
    expect(count.value).toBe(1);
    reader.return(undefined);
    count.value = 2; // no reader left: must not throw
  });
});

describe('abortSignal / untilInvalidated', () => {
  it('aborts when invalidation resolves', async () => {
    let invalidate: () => void = () => {};
    const signal = abortSignal(new Promise<void>((r) => (invalidate = r)));
    expect(signal.aborted).toBe(false);
    invalidate();
    await Promise.resolve();
    expect(signal.aborted).toBe(true);
  });

  it('refuses a non-promise', () => {
    expect(() => abortSignal(undefined as unknown as Promise<void>)).toThrow(/invalidation/);
  });

  it('drops the value of the step during which the abort came and closes the inner iterator', async () => {
    let invalidate: () => void = () => {};
    const invalidation = new Promise<void>((r) => (invalidate = r));
    let closed = false;
    const outer = untilInvalidated(invalidation, async function* () {
      try {
        yield 1;
        invalidate();
        await Promise.resolve();
        yield 2;
        yield 3;
      } finally {
        closed = true;
      }
    });
    const seen: number[] = [];
    for await (const v of outer) seen.push(v);
    expect(seen).toEqual([1]);
    expect(closed).toBe(true);
  });
});
