/** The whole notebook: every section's cells, in reading order. */
import type { CellSpec } from '../lib/runtime/cell';
import { dataCells } from './data';
import { modelCells } from './model';
import { parameterCells } from './parameters';
import { trainingCells } from './training';

export const notebookCells: CellSpec[] = [...parameterCells, ...dataCells, ...modelCells, ...trainingCells];
