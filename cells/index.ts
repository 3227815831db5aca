/** The whole notebook: every section's cells (each file one section, its display cells with it), in reading order. */
import type { CellSpec } from '../lib/runtime/cell';
import { capacityCells } from './capacity';
import { dataCells } from './data';
import { environmentCells } from './environment';
import { historyCells } from './history';
import { modelCells } from './model';
import { modelFileCells } from './modelfile';
import { parameterCells, readerCells } from './parameters';
import { trainingCells } from './training';
import { untrainedCells } from './untrained';

export const notebookCells: CellSpec[] = [
  ...parameterCells, ...readerCells, ...environmentCells, ...dataCells, ...modelCells, ...untrainedCells, ...modelFileCells, ...trainingCells, ...capacityCells, ...historyCells,
];
