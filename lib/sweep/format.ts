/**
 * The capacity sweep's table as text: aligned columns for a terminal (`ziffern sweep`) and CSV for
 * spreadsheets. Rows are shown in width order, one per width (the latest row of each).
 */
import { sweepTable, type SweepRow } from './sweep';

const COLUMNS = ['hidden', 'state', 'train acc', 'test acc', 'train loss', 'test loss', 'seconds'] as const;

const percent = (value: number | null) => (value === null ? '–' : `${(100 * value).toFixed(1)} %`);
const decimal = (value: number | null, digits: number) => (value === null ? '–' : Number.isFinite(value) ? value.toFixed(digits) : String(value));

function cells(row: SweepRow | { hidden: number; state: 'pending' }): string[] {
  if (row.state === 'pending') return [String(row.hidden), 'pending', '–', '–', '–', '–', '–'];
  const r = row as SweepRow;
  const state = r.state === 'error' && r.error ? `error: ${r.error}` : r.state === 'running' && r.progress ? `running (${r.progress})` : r.state;
  return [String(r.hidden), state, percent(r.trainAccuracy), percent(r.testAccuracy), decimal(r.trainLoss, 4), decimal(r.testLoss, 4), r.seconds.toFixed(1)];
}

/** An aligned plain-text table of the latest row per width (numbers right-aligned, state left). */
export function formatSweepTable(widths: readonly number[], rows: Iterable<SweepRow>): string {
  const body = sweepTable(widths, rows).map(cells);
  const all = [[...COLUMNS], ...body];
  const widthsOf = COLUMNS.map((_, c) => Math.max(...all.map((line) => line[c].length)));
  // State is free text (errors): print it last and left-aligned so a long message does not widen the other columns.
  const order = [0, 2, 3, 4, 5, 6, 1];
  return all.map((line) => order.map((c) => (c === 1 ? line[c] : line[c].padStart(widthsOf[c]))).join('  ').trimEnd()).join('\n') + '\n';
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** CSV with full-precision numbers (empty for unknown), one line per width in width order. */
export function sweepCsv(widths: readonly number[], rows: Iterable<SweepRow>): string {
  const header = 'hidden,state,trainAccuracy,testAccuracy,trainLoss,testLoss,seconds,error';
  const lines = sweepTable(widths, rows).map((row) => {
    if (row.state === 'pending') return `${row.hidden},pending,,,,,,`;
    const r = row as SweepRow;
    const num = (value: number | null) => (value === null ? '' : String(value));
    return [String(r.hidden), r.state, num(r.trainAccuracy), num(r.testAccuracy), num(r.trainLoss), num(r.testLoss), String(r.seconds), csvField(r.error ?? '')].join(',');
  });
  return [header, ...lines].join('\n') + '\n';
}
