/**
 * The page's display cells, section by section. They return DOM elements, so they only run when a page
 * mounts them (or something observes them); in Node they are defined but never computed.
 */
import type { CellSpec } from '../../lib/runtime/cell';
import { chipTransferCells } from './chipTransfer';
import { dataDisplayCells } from './data';
import { environmentDisplayCells } from './environment';
import { modelDisplayCells } from './model';
import { sharedCells } from './shared';
import { trainedDisplayCells } from './trained';
import { trainingDisplayCells } from './training';
import { untrainedDisplayCells } from './untrained';

export const displayCells: CellSpec[] = [
  ...sharedCells,
  ...environmentDisplayCells,
  ...dataDisplayCells,
  ...modelDisplayCells,
  ...untrainedDisplayCells,
  ...trainingDisplayCells,
  ...trainedDisplayCells,
  ...chipTransferCells,
];
