/**
 * The few Observable-style generators the notebook needs, written here because @observablehq/stdlib 5 does not
 * fit runtime 6 (see /work/shared/spec/facts.md).
 *
 * They are synchronous generators that yield promises, like the stdlib's: the runtime awaits each yielded
 * promise, and because the generator is suspended at a plain `yield`, the runtime's `return()` on invalidation
 * runs the cleanup at once (an async generator would defer it until its pending await settled).
 */

/** A value stream: `initialize(change)` pushes values via `change`; it may return a cleanup function. */
export function observe<T>(initialize: (change: (value: T) => void) => (() => void) | void): Generator<Promise<T>, void, unknown> {
  let latest: T | undefined;
  let hasUnread = false;
  let resolveWaiting: ((value: T) => void) | null = null;
  let finished = false;

  const change = (value: T): void => {
    latest = value;
    if (resolveWaiting) {
      const resolve = resolveWaiting;
      resolveWaiting = null;
      resolve(value);
    } else {
      // Nobody is waiting: keep only the newest value for the next pull.
      hasUnread = true;
    }
  };
  const dispose = initialize(change);
  if (dispose !== undefined && typeof dispose !== 'function') {
    throw new TypeError('observe: initialize must return a cleanup function or nothing');
  }
  const finish = (): IteratorReturnResult<void> => {
    if (!finished) {
      finished = true;
      resolveWaiting = null;
      dispose?.();
    }
    return { done: true, value: undefined };
  };

  const generator: Generator<Promise<T>, void, unknown> = {
    next(): IteratorResult<Promise<T>, void> {
      if (finished) return { done: true, value: undefined };
      if (hasUnread) {
        hasUnread = false;
        return { done: false, value: Promise.resolve(latest as T) };
      }
      return { done: false, value: new Promise<T>((resolve) => (resolveWaiting = resolve)) };
    },
    return: finish,
    throw(error: unknown): never {
      finish();
      throw error;
    },
    [Symbol.iterator]() {
      return generator;
    },
  } as Generator<Promise<T>, void, unknown>;
  return generator;
}

/** Anything with a `.value` that announces changes with an `input` event (a DOM control or a HeadlessView). */
export interface ViewLike<T = unknown> extends EventTarget {
  value: T;
}

/** The current value of a view, then a new value after every `input` event. */
export function input<T>(view: ViewLike<T>): Generator<Promise<T>, void, unknown> {
  if (!view || typeof view.addEventListener !== 'function' || !('value' in view)) {
    throw new TypeError('input: view must be an EventTarget with a .value (a control or a HeadlessView)');
  }
  return observe<T>((change) => {
    const onInput = (): void => change(view.value);
    view.addEventListener('input', onInput);
    change(view.value);
    return () => view.removeEventListener('input', onInput);
  });
}

/**
 * A value that cells may assign to; `changes()` is the generator a reading cell returns, so readers re-run on
 * each assignment while the writer does not depend on them (Observable's `mutable`).
 */
export class Mutable<T> {
  private current: T;
  private readonly listeners = new Set<(value: T) => void>();

  constructor(initial: T) {
    this.current = initial;
  }

  get value(): T {
    return this.current;
  }

  set value(next: T) {
    this.current = next;
    for (const listener of this.listeners) listener(next);
  }

  /** The current value, then each newly assigned value. */
  changes(): Generator<Promise<T>, void, unknown> {
    return observe<T>((change) => {
      this.listeners.add(change);
      change(this.current);
      return () => this.listeners.delete(change);
    });
  }
}
