/** The whole notebook: every section's cells, in reading order. */
import type { CellSpec } from '../lib/runtime/cell';
import { dataCells } from './data';
import { environmentCells } from './environment';
import { modelCells } from './model';
import { parameterCells } from './parameters';
import { trainingCells } from './training';

export const notebookCells: CellSpec[] = [...parameterCells, ...dataCells, ...environmentCells, ...modelCells, ...trainingCells];
