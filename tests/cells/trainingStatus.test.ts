/**
 * The training status as a cell (cells/training.ts `trainingStatus`): what the page's status line says, as data and
 * text in the reader's language, in every host (the CLI prints it when a run did not learn).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { notebookCells } from '../../cells/index';
import type { TrainingStatus } from '../../cells/training';
import { createNodeHost } from '../../lib/host/node';
import { createNotebook, type Notebook } from '../../lib/runtime/notebook';
import { syntheticDataset } from '../train/synthetic';

const data = syntheticDataset(400, 200);
let notebook: Notebook | null = null;
afterEach(() => {
  notebook?.dispose();
  notebook = null;
});

async function finished(nb: Notebook): Promise<{ seen: TrainingStatus[]; last: TrainingStatus }> {
  const seen: TrainingStatus[] = [];
  return new Promise((resolve, reject) => nb.observe('trainingStatus', (value, error) => {
    if (error) return reject(error);
    const status = value as TrainingStatus;
    seen.push(status);
    if (status.state !== 'running') resolve({ seen, last: status });
  }));
}

describe('trainingStatus', () => {
  it('follows a live run: running with its share done, then done with the test accuracy, in English and German', async () => {
    notebook = createNotebook(notebookCells, createNodeHost({ loadDataset: async () => data }));
    for (const [name, value] of Object.entries({ hidden: 16, layers: 1, epochs: 2, batchSize: 40, trainSize: 400, augment: 'none' })) await notebook.set(name, value);
    const { seen, last } = await finished(notebook);
    expect(last.state).toBe('done');
    expect(last.source).toBe('live');
    expect(last.epoch).toBe(2);
    expect(last.text).toMatch(/^(Done: test accuracy \d+(\.\d)? %|Not learning: .*)$/);
    expect(seen.some((s) => s.state === 'running' && /^Training: \d+ %$/.test(s.text))).toBe(true);
    notebook.dispose();
    notebook = createNotebook(notebookCells, createNodeHost({ loadDataset: async () => data }));
    notebook.redefine({ name: 'lang', inputs: [], define: () => 'de' });
    for (const [name, value] of Object.entries({ hidden: 16, layers: 1, epochs: 1, batchSize: 40, trainSize: 400, augment: 'none' })) await notebook.set(name, value);
    expect((await finished(notebook)).last.text).toMatch(/^(Fertig: Testgenauigkeit \d+(,\d)? %|Lernt nicht: .*)$/);
  }, 60_000);

  it('says a run at chance did not learn, and why', async () => {
    notebook = createNotebook(notebookCells, createNodeHost({ loadDataset: async () => data }));
    // a learning rate of almost nothing and one small epoch: the network stays at guessing
    for (const [name, value] of Object.entries({ hidden: 8, layers: 1, epochs: 1, batchSize: 200, trainSize: 400, augment: 'none', lr: 0.0001 })) await notebook.set(name, value);
    const { last } = await finished(notebook);
    expect(last.state).toBe('done');
    expect(last.testAccuracy).toBeLessThan(0.2);
    expect(last.notLearning).toBe('lrTooLow');
    expect(last.text).toMatch(/^Not learning: test accuracy \d+(\.\d)? %, no better than guessing \(10 %\)$/);
  }, 60_000);
});
