/**
 * The engines by name: the chip's rules in two implementations. `fast` (lib/hagen/fast, WebAssembly SIMD) is
 * the default everywhere; `reference` (referenceEngine.ts) is the plain typed-array spec and oracle. Engines
 * only the tests use (tests/hagen/tfjsEngine.ts, on TensorFlow.js) are passed as objects.
 */
import { fastEngine } from './fast/index';
import { referenceEngine } from './referenceEngine';
import type { HagenEngine } from './types';

export type { HagenEngine, TrainStepResult } from './types';
export { referenceEngine, fastEngine };

/** Engines by name: `fast` (WebAssembly SIMD, the default everywhere), `reference` (the spec, the oracle). */
const ENGINE_NAMES = ['fast', 'reference'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

/** An engine by name. */
function engineNamed(name: EngineName): HagenEngine {
  if (name === 'fast') return fastEngine;
  if (name === 'reference') return referenceEngine;
  throw new RangeError(`engine must be one of ${ENGINE_NAMES.join(', ')}, got ${JSON.stringify(name)}`);
}

/** An engine by name (asynchronous: an engine may need loading). */
export async function loadEngine(name: EngineName): Promise<HagenEngine> {
  return engineNamed(name);
}

/** What trainModel, evaluate and predict use unless told otherwise. */
export const defaultEngine: HagenEngine = fastEngine;

/** An engine option (an engine or its name; undefined → the default) as an engine. */
export function resolveEngine(engine: HagenEngine | EngineName | undefined): HagenEngine {
  if (engine === undefined) return defaultEngine;
  return typeof engine === 'string' ? engineNamed(engine) : engine;
}

/** resolveEngine, loading the engine when it is named. */
export async function loadResolvedEngine(engine: HagenEngine | EngineName | undefined): Promise<HagenEngine> {
  return typeof engine === 'string' ? loadEngine(engine) : resolveEngine(engine);
}
