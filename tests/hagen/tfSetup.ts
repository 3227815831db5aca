/** Until lib/tf/backend.ts initTf() is there: put tfjs on the wasm backend for tests. */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

export async function useWasmBackend(): Promise<void> {
  if (tf.getBackend() !== 'wasm') {
    const ok = await tf.setBackend('wasm');
    if (!ok) throw new Error('tfjs wasm backend could not be initialised');
  }
  await tf.ready();
}
