/** Cancellation: the runtime never interrupts running code, so long cells watch an AbortSignal tied to `invalidation`. */

/** An AbortSignal that aborts when the cell's `invalidation` promise resolves (the cell is re-run or disposed). */
export function abortSignal(invalidation: PromiseLike<unknown>): AbortSignal {
  if (!invalidation || typeof invalidation.then !== 'function') {
    throw new TypeError('abortSignal: invalidation must be the cell\'s `invalidation` promise');
  }
  const controller = new AbortController();
  invalidation.then(
    () => controller.abort(new Error('cell invalidated')),
    () => controller.abort(new Error('cell invalidated')),
  );
  return controller.signal;
}

/**
 * The pattern for long cells that yield progress: `run(signal)` produces progress values and should check
 * `signal` at every step. The returned generator stops after the step during which the cell was invalidated
 * (it never yields a value produced after the abort) and closes `run`'s iterator, so its cleanup runs.
 */
export async function* untilInvalidated<T>(
  invalidation: PromiseLike<unknown>,
  run: (signal: AbortSignal) => AsyncIterable<T> | Iterable<T>,
): AsyncGenerator<T, void, unknown> {
  const signal = abortSignal(invalidation);
  if (signal.aborted) return;
  for await (const progress of run(signal)) {
    if (signal.aborted) return;
    yield progress;
    if (signal.aborted) return;
  }
}
