/**
 * `ziffern sweep`: the capacity sweep of the notebook (cells/capacity.ts), headless. Applies each --set
 * through notebook.set(), asks the `sweep` cell to run (as the page's "Run sweep" button does), prints
 * a line per finished width, then the table (lib/sweep/format.ts), and writes the JSON report.
 * Exit codes: 0 every width done, 1 a width failed (or the report could not be written), 2 usage error, 130/143 interrupted (no report).
 */
import type { SweepState } from '../../cells/capacity';
import { notebookCells } from '../../cells/index';
import { PARAMS } from '../params';
import type { Host } from '../runtime/host';
import type { Mutable } from '../runtime/generators';
import { createNotebook } from '../runtime/notebook';
import { formatSweepTable } from '../sweep/format';
import type { SweepRow } from '../sweep/sweep';
import type { SweepCommand } from './args';
import { checkOutputFile, FileProblem, writeFileAtomic } from '../host/node-files';
import { chipInUse, type ChipUse, type CliIo } from './run';

export interface SweepReport {
  tool: 'ziffern';
  command: 'sweep';
  startedAt: string;
  seconds: number;
  node: string;
  /** Every parameter; `hidden` is not used (each width replaces it), `sweepWidths` lists the widths. */
  params: Record<string, unknown>;
  state: SweepState['state'];
  widths: number[];
  rows: SweepRow[];
  /** When the emulated chip was used (backend chip, or mockSource measured): which chip and its calibration. */
  chip?: ChipUse;
}

const percent = (x: number | null): string => (x === null ? 'n/a' : `${(100 * x).toFixed(2)} %`);

function widthLine(row: SweepRow): string {
  if (row.state === 'error') return `hidden ${row.hidden}: error: ${row.error ?? 'unknown'}`;
  return `hidden ${row.hidden}: ${row.state}, train accuracy ${percent(row.trainAccuracy)}, test accuracy ${percent(row.testAccuracy)}, ` +
    `train loss ${row.trainLoss?.toFixed(4) ?? 'n/a'}, test loss ${row.testLoss?.toFixed(4) ?? 'n/a'}, ${row.seconds.toFixed(1)} s`;
}

export async function sweepCommand(command: SweepCommand, io: CliIo, host: Host, signal?: AbortSignal): Promise<number> {
  // Before any training: a report that could not be written ends the command here (exit 2).
  if (command.reportPath) {
    try {
      await checkOutputFile(command.reportPath, '--report');
    } catch (error) {
      if (!(error instanceof FileProblem)) throw error;
      io.stderr.write(`ziffern: ${error.message}\n`);
      return 2;
    }
  }
  const notebook = createNotebook(notebookCells, host);
  try {
    for (const { name, value } of command.sets) await notebook.set(name, value);
    const params: Record<string, unknown> = {};
    for (const spec of PARAMS) params[spec.name] = await notebook.value(spec.name);
    const widths = [...(params.sweepWidths as readonly number[])];
    const chip = await chipInUse(notebook, params.backend === 'chip' || (params.backend === 'mock' && params.mockSource === 'measured'), io);
    io.stderr.write(`sweeping hidden widths ${widths.join(', ')} (one after the other)…\n`);
    const startedAt = new Date();
    const started = performance.now();
    const printed = new Set<number>();
    let last: SweepState | null = null;

    (await notebook.value('sweepRequestState') as Mutable<boolean>).value = true;
    const outcome = await new Promise<{ error?: Error; interrupted?: boolean }>((resolve) => {
      const onAbort = (): void => resolve({ interrupted: true });
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      notebook.observe('sweep', (value, error) => {
        if (signal?.aborted) return;
        if (error) return resolve({ error });
        const sweep = value as SweepState;
        if (sweep.source !== 'live') return;
        last = sweep;
        for (const row of sweep.rows) {
          if (row.state === 'pending' || row.state === 'running' || printed.has(row.hidden)) continue;
          printed.add(row.hidden);
          io.stdout.write((command.json ? JSON.stringify({ width: row }) : widthLine(row as SweepRow)) + '\n');
        }
        if (sweep.state !== 'running') resolve({});
      });
    });

    const final = last as SweepState | null;
    const rows = (final?.rows ?? []).filter((row): row is SweepRow => row.state !== 'pending');
    const seconds = (performance.now() - started) / 1000;
    if (outcome.interrupted) {
      // Stopped by a signal: the trainings stop with the notebook (dispose); nothing is written.
      if (command.json) io.stdout.write(JSON.stringify({ summary: { state: 'interrupted', widths, rows: rows.filter((r) => r.state !== 'running'), seconds, params } }) + '\n');
      io.stderr.write(`ziffern: interrupted after ${rows.filter((r) => r.state === 'done').length} of ${widths.length} widths, ${seconds.toFixed(1)} s${command.reportPath ? '; no report written' : ''}\n`);
      return 130;
    }
    const state: SweepReport['state'] = outcome.error ? 'error' : final?.state ?? 'error';
    if (command.json) io.stdout.write(JSON.stringify({ summary: { state, widths, rows, seconds, params } }) + '\n');
    else io.stdout.write('\n' + formatSweepTable(widths, rows) + `${state}: ${rows.filter((r) => r.state === 'done').length} of ${widths.length} widths in ${seconds.toFixed(1)} s\n`);
    if (outcome.error) io.stderr.write(`ziffern: sweep failed: ${outcome.error.message}\n`);

    if (command.reportPath) {
      const report: SweepReport = { tool: 'ziffern', command: 'sweep', startedAt: startedAt.toISOString(), seconds, node: process.version, params, state, widths, rows, ...(chip ? { chip } : {}) };
      try {
        await writeFileAtomic(command.reportPath, JSON.stringify(report, null, 2) + '\n');
      } catch (error) {
        io.stderr.write(`ziffern: --report: ${(error as Error).message}\n`);
        return 1;
      }
    }
    return state === 'done' ? 0 : 1;
  } finally {
    notebook.dispose();
  }
}
