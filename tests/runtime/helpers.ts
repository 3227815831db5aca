import { HeadlessView } from '../../lib/runtime/headless-view';
import type { Host } from '../../lib/runtime/host';
import type { CellSpec } from '../../lib/runtime/cell';
import { input } from '../../lib/runtime/generators';
import { paramSpec, type ParamName } from '../../lib/params';

/** A host for runtime tests: headless views; data and training are not part of these tests and refuse loudly. */
export function testHost(): Host {
  return {
    kind: 'node',
    view: (spec) => new HeadlessView(spec.default),
    loadDataset: () => Promise.reject(new Error('testHost has no dataset')),
    tfBackend: () => Promise.resolve('none'),
    runTraining: () => {
      throw new Error('testHost does not train');
    },
  };
}

/** The two cells of one parameter, as cells/parameters.ts builds them. */
export function paramCells(name: ParamName): CellSpec[] {
  const spec = paramSpec(name);
  return [
    { name: `viewof ${name}`, inputs: ['host'], define: (host: Host) => host.view(spec), view: name },
    { name, inputs: [`viewof ${name}`], define: (view: HeadlessView) => input(view) },
  ];
}

export const nextFrame = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Wait (in event-loop turns, not wall time) until `condition()` holds. */
export async function until(condition: () => boolean, what: string, turns = 20000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (condition()) return;
    await nextFrame();
  }
  throw new Error(`timed out waiting for ${what}`);
}
