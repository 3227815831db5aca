/**
 * Node edge: the entry of the augmentation worker_thread (lib/data/pipeline.ts serveAugmentation),
 * started by lib/host/node.ts. It loads tfjs on the wasm backend, then resizes crop boxes on request;
 * it draws the mock's noise ahead on request from the start (that needs no tfjs).
 */
import { parentPort } from 'node:worker_threads';
import { serveAugmentation, type FromAugmenter, type ToAugmenter } from '../data/pipeline';
import { initTf } from '../tf/backend';

if (!parentPort) throw new Error('lib/host/augment-thread.ts runs only as a worker_thread (lib/host/node.ts starts it)');
const port = parentPort;
serveAugmentation({
  send: (message: FromAugmenter, transfer?: ArrayBuffer[]) => port.postMessage(message, transfer),
  listen: (onMessage: (message: ToAugmenter) => void) => { port.on('message', onMessage); },
}, () => initTf('wasm'));
