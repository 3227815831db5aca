/**
 * One-off fidelity check against the PyTorch reference (not a unit test; takes minutes):
 *   npx tsx tests/train/fidelity.run.ts [crop|none|ideal] [seed]
 * crop: tutorial defaults, 4 epochs (reference 82.8 / 84.4 %); none: no augmentation, 2 epochs
 * (reference 89.9 / 91.9 %); ideal: the ideal backend at lr 0.25 (expected to diverge or not, reported).
 */
import { DEFAULT_MOCK } from '../../lib/hagen/constants';
import { buildModel } from '../../lib/hagen/model';
import { nodeAugmentThread } from '../../lib/host/node';
import { loadMnistNode } from '../../lib/host/node-data';
import { initTf } from '../../lib/tf/backend';
import { trainModel, TUTORIAL_DEFAULTS } from '../../lib/train/train';

const mode = process.argv[2] ?? 'crop';
const seed = Number(process.argv[3] ?? 1);
console.log('tf backend', await initTf('wasm'));
const data = await loadMnistNode();
const backend = mode === 'ideal' ? 'ideal' : 'mock';
const model = buildModel({ hidden: 256, layers: 2, shift: 1 }, { backend, mock: { ...DEFAULT_MOCK }, seed });
const opts = { ...TUTORIAL_DEFAULTS, seed, augment: mode === 'crop' ? 'crop' as const : 'none' as const, epochs: mode === 'none' ? 2 : mode === 'ideal' ? 1 : 4, augmentThread: nodeAugmentThread() };
for await (const p of trainModel(model, data, opts)) {
  if (p.state !== 'running' || p.batch === p.batchesPerEpoch) {
    const e = p.epochs[p.epochs.length - 1];
    if (e) console.log(`${mode} seed ${seed} epoch ${e.epoch}: test ${(e.testAccuracy * 100).toFixed(2)} %, train ${(e.trainAccuracy * 100).toFixed(2)} %, loss ${e.trainLoss.toFixed(4)}, ${e.seconds.toFixed(1)} s`);
  }
  if (p.state !== 'running') { console.log(p.state, p.error ?? '', `last loss ${p.loss}`); break; }
}
