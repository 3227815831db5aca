/**
 * The engines by name. `fast` (lib/hagen/fast, WebAssembly SIMD) is the default everywhere; `reference`
 * (referenceEngine.ts) is the plain typed-array oracle; `tfjs` (tfjsEngine.ts) runs on TensorFlow.js and
 * is loaded on demand (`loadEngine`), so nothing that never asks for it pays for tfjs.
 */
import { fastEngine } from './fast/index';
import { referenceEngine } from './referenceEngine';
import type { HagenEngine } from './types';

export type { HagenEngine, TrainStepResult } from './types';
export { referenceEngine, fastEngine };

/** Engines by name: `fast` (WebAssembly SIMD, the default everywhere), `tfjs`, `reference` (the oracle). */
const ENGINE_NAMES = ['fast', 'tfjs', 'reference'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

/** The tfjs engine once `loadEngine('tfjs')` has loaded it. */
let loadedTfjsEngine: HagenEngine | null = null;

/** An engine by name; `tfjs` only after `loadEngine('tfjs')` (it is not bundled with the rest). */
function engineNamed(name: EngineName): HagenEngine {
  if (name === 'fast') return fastEngine;
  if (name === 'reference') return referenceEngine;
  if (name === 'tfjs') {
    if (loadedTfjsEngine) return loadedTfjsEngine;
    throw new Error('engine "tfjs" is loaded on demand: await loadEngine("tfjs") before using it by name');
  }
  throw new RangeError(`engine must be one of ${ENGINE_NAMES.join(', ')}, got ${JSON.stringify(name)}`);
}

/** An engine by name, loading tfjs first when it is the one asked for. */
export async function loadEngine(name: EngineName): Promise<HagenEngine> {
  if (name === 'tfjs' && !loadedTfjsEngine) loadedTfjsEngine = (await import('./tfjsEngine')).tfjsEngine;
  return engineNamed(name);
}

/** What trainModel, evaluate and predict use unless told otherwise. */
export const defaultEngine: HagenEngine = fastEngine;

/** An engine option (an engine or its name; undefined → the default) as an engine. */
export function resolveEngine(engine: HagenEngine | EngineName | undefined): HagenEngine {
  if (engine === undefined) return defaultEngine;
  return typeof engine === 'string' ? engineNamed(engine) : engine;
}

/** resolveEngine, loading the tfjs engine when it is named. */
export async function loadResolvedEngine(engine: HagenEngine | EngineName | undefined): Promise<HagenEngine> {
  return typeof engine === 'string' ? loadEngine(engine) : resolveEngine(engine);
}
