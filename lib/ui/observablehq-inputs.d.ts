// Minimal types for the parts of @observablehq/inputs 0.12 that lib/ui uses (the package ships none).
declare module '@observablehq/inputs' {
  export interface InputsRangeOptions {
    label?: string | Node;
    value?: number;
    step?: number;
    transform?: (x: number) => number;
    invert?: (x: number) => number;
    format?: (x: number) => string;
    placeholder?: string;
    validate?: (input: HTMLInputElement) => boolean;
    width?: number | string;
    disabled?: boolean;
  }
  export interface InputsChooserOptions<T> {
    label?: string | Node;
    value?: T;
    format?: (x: T) => string;
    disabled?: boolean;
  }
  export type InputsForm<T> = HTMLFormElement & { value: T };
  export function range(extent: [number, number], options?: InputsRangeOptions): InputsForm<number>;
  export function number(extent: [number, number], options?: InputsRangeOptions): InputsForm<number>;
  export function radio<T>(data: readonly T[], options?: InputsChooserOptions<T>): InputsForm<T>;
  export function select<T>(data: readonly T[], options?: InputsChooserOptions<T>): InputsForm<T>;
  export function text(options?: { label?: string | Node; value?: string; placeholder?: string; validate?: (input: HTMLInputElement) => boolean; submit?: boolean | string; disabled?: boolean }): InputsForm<string>;
  export function toggle(options?: { label?: string | Node; value?: boolean; disabled?: boolean }): InputsForm<boolean>;
}
