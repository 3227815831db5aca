/** Browser entry of the page (dist/main.js): the notebook's cells on the page of index.html. */
import { notebookCells } from '../cells/index';
import { startPage } from './page';

startPage(window, notebookCells);
