/**
 * A chip as plain data, for places a live EmulatedChip cannot go (a Web Worker message, a file): the chip
 * id, the entries of the imperfection table that differ from the defaults, and the calibration file's
 * text (or 'none'). Every host rebuilds its training chip with chipFromDescription, so Node and the
 * browser's worker train on the same chip from the same description.
 */
import type { ChipDevice } from './device';
import { applyCalibration, parseCalibration } from './calibration';
import { EmulatedChip } from './chip';
import { DEFAULT_IMPERFECTIONS, validateImperfections, type Imperfections } from './imperfections';

/** Entries of the imperfection table to change; nested entries (spreads, ranges) may name only some fields. */
export type ImperfectionOverrides = {
  [K in keyof Imperfections]?: Imperfections[K] extends number ? number : Partial<Imperfections[K]>;
};

export interface ChipDescription {
  chipId: number;
  imperfections?: ImperfectionOverrides;
  /** The calibration file (JSON text, checked on rebuild), or 'none' for an uncalibrated chip. */
  calibration: string;
}

/** The default table with `overrides` applied, validated (throws naming the bad entry). */
export function imperfectionsWith(overrides: ImperfectionOverrides = {}): Imperfections {
  if (typeof overrides !== 'object' || overrides === null) throw new TypeError(`imperfection overrides must be an object, got ${JSON.stringify(overrides)}`);
  const table = structuredClone(DEFAULT_IMPERFECTIONS) as Imperfections;
  const entries = table as unknown as Record<string, unknown>;
  for (const [name, value] of Object.entries(overrides)) {
    if (!(name in table)) throw new RangeError(`imperfection "${name}" does not exist; allowed are ${Object.keys(table).join(', ')}`);
    const current = entries[name];
    if (typeof current === 'number') {
      entries[name] = value;
    } else {
      if (typeof value !== 'object' || value === null) throw new TypeError(`imperfection "${name}" must be an object with fields ${Object.keys(current as object).join(', ')}`);
      for (const field of Object.keys(value)) {
        if (!(field in (current as object))) throw new RangeError(`imperfection "${name}" has no field "${field}"; allowed are ${Object.keys(current as object).join(', ')}`);
      }
      entries[name] = { ...(current as object), ...value };
    }
  }
  return validateImperfections(table);
}

/** Check a description's shape (it may come from a message or a file). */
function validateChipDescription(data: unknown): ChipDescription {
  if (typeof data !== 'object' || data === null) throw new TypeError(`chip description must be an object { chipId, calibration, imperfections? }, got ${JSON.stringify(data)}`);
  const d = data as Record<string, unknown>;
  if (!Number.isInteger(d.chipId) || (d.chipId as number) < 0) throw new RangeError(`chip description: chipId must be a non-negative integer, got ${JSON.stringify(d.chipId)}`);
  if (typeof d.calibration !== 'string') throw new TypeError(`chip description: calibration must be the calibration file's text or 'none', got ${typeof d.calibration}`);
  return d as unknown as ChipDescription;
}

/**
 * Build the described chip: the same id and table give the same chip (and the same readout-noise
 * stream, which starts afresh); a calibration is checked (chip id, version, checksum) and programmed.
 */
export function chipFromDescription(description: ChipDescription): EmulatedChip {
  const { chipId, imperfections, calibration } = validateChipDescription(description);
  const chip = new EmulatedChip(chipId, { imperfections: imperfections ? imperfectionsWith(imperfections) : DEFAULT_IMPERFECTIONS });
  return calibration === 'none' ? chip : applyCalibration(chip, parseCalibration(calibration, chipId));
}

/** A device that can say what it is (the environment section's `chipDevice`). */
export interface DescribedChipDevice extends ChipDevice {
  readonly description: ChipDescription;
}

export function isDescribedChipDevice(device: ChipDevice): device is DescribedChipDevice {
  return 'description' in device;
}
