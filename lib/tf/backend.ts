/**
 * tfjs set-up per host. Node: the wasm backend (SIMD; tfjs-node cannot be installed here and the
 * cpu backend is ~30x slower). Browser: the best backend that works, in the order webgpu, webgl
 * (only with a real GPU: a software WebGL renderer is slower than wasm), wasm, cpu; or the one asked
 * for. Idempotent: repeated calls return the same backend without re-initialising.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

const TF_BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;

let pending: Promise<string> | null = null;
let pendingPreference: string | undefined;
let wasmStarted = false;

export function isNodeHost(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

/**
 * Where the browser finds tfjs's .wasm files (the page build copies them next to the bundle).
 * `prefix` is a URL directory ending in "/". Must be called before the wasm backend starts.
 */
export function configureWasmPaths(prefix: string): void {
  if (typeof prefix !== 'string' || prefix.length === 0 || !prefix.endsWith('/')) {
    throw new Error(`configureWasmPaths: prefix must be a URL directory ending in "/", got ${JSON.stringify(prefix)}`);
  }
  if (wasmStarted) throw new Error('configureWasmPaths: the wasm backend has already started; call it before initTf()');
  setWasmPaths(prefix);
}

/** True when WebGL would run on a software renderer (SwiftShader, llvmpipe): wasm is faster then. */
function webglIsSoftware(): boolean {
  try {
    if (typeof OffscreenCanvas === 'undefined') return true;
    const gl = new OffscreenCanvas(1, 1).getContext('webgl2') as WebGL2RenderingContext | null;
    if (!gl) return true;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
    return /swiftshader|llvmpipe|softpipe|software/i.test(renderer);
  } catch {
    return true;
  }
}

/** What a host offers; gathered by `probeHost()`, separate so the choice is testable without a browser. */
interface HostCapabilities {
  node: boolean;
  /** navigator.gpu exists and a webgpu backend is registered with tfjs. */
  webgpu: boolean;
  /** WebGL2 on a real GPU (not a software renderer). */
  hardwareWebgl: boolean;
}

function probeHost(): HostCapabilities {
  const node = isNodeHost();
  if (node) return { node, webgpu: false, hardwareWebgl: false };
  const hasGpuApi = typeof navigator !== 'undefined' && 'gpu' in navigator;
  return { node, webgpu: hasGpuApi && Boolean(tf.findBackendFactory('webgpu')), hardwareWebgl: !webglIsSoftware() };
}

/** Backends to try, best first: the one asked for, or wasm in Node, or webgpu > webgl > wasm > cpu. */
export function backendOrder(host: HostCapabilities, preferred?: string): string[] {
  if (preferred !== undefined) {
    if (!(TF_BACKENDS as readonly string[]).includes(preferred)) {
      throw new Error(`initTf: unknown backend ${JSON.stringify(preferred)}; allowed: ${TF_BACKENDS.join(', ')}`);
    }
    return [preferred];
  }
  if (host.node) return ['wasm'];
  const order: string[] = [];
  if (host.webgpu) order.push('webgpu');
  if (host.hardwareWebgl) order.push('webgl');
  order.push('wasm', 'cpu');
  return order;
}

async function select(preferred: string | undefined): Promise<string> {
  const tried: string[] = [];
  for (const name of backendOrder(probeHost(), preferred)) {
    if (!tf.findBackendFactory(name)) {
      tried.push(`${name} (not registered)`);
      continue;
    }
    if (name === 'wasm') wasmStarted = true;
    let ok = false;
    try {
      ok = await tf.setBackend(name);
      if (ok) await tf.ready();
    } catch (error) {
      tried.push(`${name} (${error instanceof Error ? error.message : String(error)})`);
      continue;
    }
    if (ok) return tf.getBackend();
    tried.push(`${name} (failed to start)`);
  }
  throw new Error(`initTf: no tfjs backend could start; tried ${tried.join(', ')}`);
}

/**
 * Choose and start the tfjs backend for this host (or `preferred`: webgpu | webgl | wasm | cpu).
 * Returns the name of the backend in use. A failing explicit choice is an Error, not a fallback.
 */
export function initTf(preferred?: string): Promise<string> {
  if (pending && pendingPreference === preferred) return pending;
  pendingPreference = preferred;
  const started = select(preferred);
  pending = started;
  started.catch(() => {
    if (pending === started) pending = null; // let a later call try again
  });
  return started;
}

/** Features of the running wasm backend (SIMD, threads); both false on other backends. */
export async function wasmFeatures(): Promise<{ simd: boolean; threads: boolean }> {
  if (tf.getBackend() !== 'wasm') return { simd: false, threads: false };
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  const threads = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
  return { simd, threads };
}
