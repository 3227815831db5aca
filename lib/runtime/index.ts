export type { CellSpec } from './cell';
export { BUILTIN_NAMES, viewCellName } from './cell';
export { observe, input, Mutable, type ViewLike } from './generators';
export { abortSignal, untilInvalidated } from './cancel';
export { HeadlessView } from './headless-view';
export { checkGraph, findCycle, parameterNames } from './graph';
export type { Host } from './host';
export { createNotebook, type Notebook } from './notebook';
