/**
 * A parameter view without a DOM (Node, workers, tests): an EventTarget with `.value`, the same contract as a
 * control in the page, so `notebook.set()` drives both the same way (set value, dispatch `input`).
 */
export class HeadlessView<T = unknown> extends EventTarget {
  value: T;

  constructor(initial: T) {
    super();
    this.value = initial;
  }
}
