/** Test helpers for the augmentation thread's protocol (lib/train/helper/thread.ts), shared by the pipeline tests. */
import { AugmentThread, serveAugmentation, type FromAugmenter, type ThreadPort, type ToAugmenter } from '../../lib/train/helper/thread';

export interface InProcessThreadHooks {
  /** Sees every answer before the trainer does; return false to drop it. `crash` reports the thread as gone. */
  toTrainer?: (message: FromAugmenter, crash: (error: Error) => void) => boolean;
  /** Sees every request before the thread does; return false to drop it. `reply` answers in the thread's place. */
  toThread?: (message: ToAugmenter, reply: (message: FromAugmenter) => void) => boolean;
}

/** A trainer–thread pair in this process over a MessageChannel: the real serveAugmentation and AugmentThread. */
export function inProcessThreadPair(hooks: InProcessThreadHooks = {}): { thread: AugmentThread; close: () => void } {
  const { port1, port2 } = new MessageChannel();
  let onError: ((error: Error) => void) | undefined;
  const crash = (error: Error) => onError?.(error);
  const trainerSide: ThreadPort<FromAugmenter, ToAugmenter> = {
    send: (message, transfer) => port1.postMessage(message, transfer ?? []),
    listen: (onMessage, errorHandler) => {
      onError = errorHandler;
      port1.onmessage = (event) => {
        const message = event.data as FromAugmenter;
        if (hooks.toTrainer?.(message, crash) !== false) onMessage(message);
      };
    },
  };
  const threadSide: ThreadPort<ToAugmenter, FromAugmenter> = {
    send: (message, transfer) => port2.postMessage(message, transfer ?? []),
    listen: (onMessage) => {
      port2.onmessage = (event) => {
        const message = event.data as ToAugmenter;
        if (hooks.toThread?.(message, (answer) => port2.postMessage(answer)) !== false) onMessage(message);
      };
    },
  };
  serveAugmentation(threadSide, async () => undefined);
  return { thread: new AugmentThread(trainerSide), close: () => { port1.close(); port2.close(); } };
}

/** Wait (polling every 10 ms) until `condition` holds; fail naming `what` after `timeoutMs`. */
export async function until(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what} did not happen in time`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
