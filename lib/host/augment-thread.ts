/**
 * Node edge: the entry of the augmentation worker_thread (lib/train/helper/thread.ts serveAugmentation),
 * started by lib/host/node.ts. It resizes crop boxes and draws the mock's noise ahead on request. Neither
 * needs tfjs (the crops use the typed kernel), so nothing loads it here: the thread serves from its start.
 */
import { parentPort } from 'node:worker_threads';
import { serveAugmentation, type FromAugmenter, type ToAugmenter } from '../train/helper/thread';

if (!parentPort) throw new Error('lib/host/augment-thread.ts runs only as a worker_thread (lib/host/node.ts starts it)');
const port = parentPort;
serveAugmentation({
  send: (message: FromAugmenter, transfer?: ArrayBuffer[]) => port.postMessage(message, transfer),
  listen: (onMessage: (message: ToAugmenter) => void) => { port.on('message', onMessage); },
}, () => Promise.resolve());
