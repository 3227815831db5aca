/** The whole notebook: every section's cells, in reading order. */
import type { CellSpec } from '../lib/runtime/cell';
import { capacityCells } from './capacity';
import { dataCells } from './data';
import { displayCells } from './display/index';
import { environmentCells } from './environment';
import { historyCells } from './history';
import { modelCells } from './model';
import { modelFileCells } from './modelfile';
import { parameterCells } from './parameters';
import { trainingCells } from './training';

export const notebookCells: CellSpec[] = [...parameterCells, ...dataCells, ...environmentCells, ...modelCells, ...modelFileCells, ...trainingCells, ...historyCells, ...capacityCells, ...displayCells];
