/** Browser entry of the page (dist/main.js): the notebook's cells on the page of index.html. */
// The controls' stylesheet: esbuild writes it next to the bundle as main.css (linked from index.html).
// First: repairs an address that a dependency could not read (before any dependency runs).
import './addressGuard';
import '@observablehq/inputs/dist/index.css';
import { notebookCells } from '../cells/index';
import { startPage } from './page';

startPage(window, notebookCells);
