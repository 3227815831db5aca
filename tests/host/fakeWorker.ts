/** One training through the worker protocol (lib/host/worker.ts serveTraining) in a fake worker scope, as the page sends it. */
import { serveTraining, type FromWorker, type ToWorker } from '../../lib/host/worker';

/** Every message the worker posted for `message` until the run ended; throws the worker's message if it failed. */
export async function trainThroughWorker(message: Extract<ToWorker, { type: 'train' }>): Promise<FromWorker[]> {
  let listener: ((event: MessageEvent<ToWorker>) => void) | null = null;
  const messages: FromWorker[] = [];
  let finished!: () => void;
  const done = new Promise<void>((resolve) => (finished = resolve));
  serveTraining({
    postMessage(posted) {
      messages.push(posted);
      if (posted.type !== 'progress') finished();
    },
    addEventListener(_type, l) {
      listener = l;
    },
  });
  // Through structuredClone, as postMessage would: only plain data may cross.
  listener!({ data: { ...message, opts: structuredClone(message.opts) } } as MessageEvent<ToWorker>);
  await done;
  const last = messages.at(-1)!;
  if (last.type === 'failed') throw new Error(last.message);
  return messages;
}
