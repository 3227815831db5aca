// @vitest-environment jsdom
/**
 * Divergence: no learning rate the parameter table allows (up to 10) makes the mock or ideal backend's loss
 * NaN on MNIST (checked by hand: lr 10, 6000 images, 1 epoch ends with a finite loss and ~11 % accuracy), so
 * a NaN loss / NaN gradient is injected by an engine wrapper. Training must stop with state "error", the
 * page's training cell must say why, and `trainedModel` (and predictions from it) keep the last weights that
 * gave a finite loss.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { notebookCells } from '../../cells/index';
import { fastEngine } from '../../lib/hagen/fast/index';
import { cloneModel } from '../../lib/hagen/model';
import { predict } from '../../lib/hagen/predict';
import type { HagenEngine, HagenModel } from '../../lib/hagen/types';
import { HeadlessView } from '../../lib/runtime/headless-view';
import type { Host } from '../../lib/runtime/host';
import { createNotebook, type Notebook } from '../../lib/runtime/notebook';
import { trainModel, type TrainProgress } from '../../lib/train/train';
import { predictionsList } from '../../lib/ui/predictions';
import { mountTraining } from '../../cells/training';
import { syntheticDataset } from '../train/synthetic';

type Poison = 'loss' | 'gradient';

const nextFrame = () => new Promise<void>((resolve) => setTimeout(resolve, 20));

/** fastEngine, but the `poisonAt`-th trainStep returns a NaN loss or a NaN gradient; records the weights of every step. */
function divergingEngine(poisonAt: number, poison: Poison): HagenEngine & { weightsSeen: HagenModel[] } {
  const weightsSeen: HagenModel[] = [];
  return {
    name: 'diverging',
    weightsSeen,
    forward: fastEngine.forward,
    trainStep(model, x, labels, batch, rng, chip) {
      const result = fastEngine.trainStep(model, x, labels, batch, rng, chip);
      weightsSeen.push(cloneModel(model)); // after the engine's in-place clamp: the weights this step ran with
      if (weightsSeen.length < poisonAt) return result;
      if (poison === 'loss') return { ...result, loss: NaN };
      result.grads[0].weight[17] = Infinity;
      return result;
    },
  };
}

let notebook: Notebook | null = null;
afterEach(() => {
  notebook?.dispose();
  notebook = null;
  document.body.innerHTML = '';
});

function waitForEnd(nb: Notebook): Promise<TrainProgress> {
  return new Promise((resolve, reject) => {
    nb.observe('training', (value, error) => {
      if (error) reject(error);
      else if (value && (value as TrainProgress).state !== 'running') resolve(value as TrainProgress);
    });
  });
}

describe('divergence (NaN loss or gradient) during training', () => {
  it.each(['loss', 'gradient'] as const)('a NaN %s stops training; the cell shows why; predictions use the last finite weights', async (poison) => {
    const engine = divergingEngine(4, poison);
    const data = syntheticDataset(600, 100);
    const host: Host = {
      kind: 'node',
      view: (spec) => new HeadlessView(spec.default),
      loadDataset: async () => data,
      tfBackend: async () => 'none',
      runTraining: (model, dataset, opts) => trainModel(model, dataset, { ...opts, engine }),
    };
    notebook = createNotebook(notebookCells, host);
    for (const [name, value] of [['hidden', 16], ['trainSize', 600], ['batchSize', 50], ['augment', 'none'], ['epochs', 2]] as const) {
      await notebook.set(name, value);
    }
    const placeholder = document.createElement('div');
    document.body.append(placeholder);
    mountTraining(notebook, placeholder, notebookCells.find((cell) => cell.name === 'training')!, 'en');

    const final = await waitForEnd(notebook);
    expect(final.state).toBe('error');
    expect(final.batch).toBe(4);
    expect(final.losses).toHaveLength(3); // the NaN step is not recorded
    expect(final.error).toMatch(poison === 'loss' ? /diverged in epoch 1, batch 4: the loss is NaN/ : /diverged in epoch 1, batch 4: a gradient is NaN or infinite/);
    expect(final.error).toMatch(/smaller learning rate/);
    expect(engine.weightsSeen).toHaveLength(4); // it stopped: no step after the poisoned one

    // the page's training cell says why
    expect(placeholder.dataset.state).toBe('error');
    for (let frame = 0; frame < 100 && !placeholder.textContent?.includes(final.error!); frame++) await nextFrame(); // it draws once per frame
    expect(placeholder.textContent).toContain(final.error!);

    // trainedModel holds the weights the last finite step ran with, and they predict
    const trained = (await notebook.value('trainedModel')) as HagenModel;
    const lastFinite = engine.weightsSeen[2];
    trained.layers.forEach((layer, i) => {
      expect(layer.weight).toEqual(lastFinite.layers[i].weight);
      expect(layer.bias).toEqual(lastFinite.layers[i].bias);
    });
    const image = Float32Array.from(data.test.images.subarray(0, 784));
    const logits = predict(trained, image, null, undefined, fastEngine);
    expect(logits.every(Number.isFinite)).toBe(true);
    expect(predictionsList(logits).querySelectorAll('ol li')).toHaveLength(5);

    // the history and accuracy cells follow, without throwing
    expect(((await notebook.value('history')) as { state: string }).state).toBe('error');
    expect(await notebook.value('testAccuracy')).toBeNull();
  });
});
