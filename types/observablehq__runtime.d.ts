/**
 * Typings for @observablehq/runtime 6.0.1 (the package ships none). Only the public surface we use,
 * with the semantics read from its src/: see notes on each member.
 */
declare module '@observablehq/runtime' {
  /** Receives a variable's lifecycle. All members optional; the runtime checks before calling. */
  export interface Observer<T = unknown> {
    /** Called when the variable starts (re)computing. */
    pending?(): void;
    /** Called with each new value (every yield of a generator). */
    fulfilled?(value: T, name: string | null): void;
    /** Called when the definition (or an input) throws or rejects. Errors from inputs arrive as RuntimeError. */
    rejected?(error: unknown, name: string | null): void;
  }

  /**
   * A definition gets its inputs' values in order. It may return a value, a promise, a generator or an async
   * generator (anything with next() and return()); each yield becomes a new value, pulled once per frame.
   * The runtime calls generator.return() when the variable is invalidated (redefined, an input changed,
   * no longer observed, or disposed).
   */
  export type Definition = (this: unknown, ...inputs: any[]) => unknown;

  export class Variable {
    /**
     * (Re)define this variable. Inputs are names resolved in the module; `invalidation` (a promise that
     * resolves when this run is superseded), `visibility` and `@variable` are module builtins.
     * A non-function definition is treated as a constant.
     */
    define(name: string | null, inputs: readonly string[], definition: Definition | unknown): this;
    define(inputs: readonly string[], definition: Definition | unknown): this;
    define(name: string, definition: Definition | unknown): this;
    define(definition: Definition | unknown): this;
    /** Make this variable an alias of `remote` in `module` (named `name`, default `remote`). */
    import(remote: string, name: string, module: Module): this;
    import(remote: string, module: Module): this;
    /** Remove the definition and name; dependants see "<name> is not defined". */
    delete(): this;
  }

  export class Module {
    /** New anonymous-observer variable defined at once (unobserved ⇒ computed only if something observed depends on it). */
    define(name: string | null, inputs: readonly string[], definition: Definition | unknown): Variable;
    define(inputs: readonly string[], definition: Definition | unknown): Variable;
    define(name: string, definition: Definition | unknown): Variable;
    /** Redefine the variable named `name`; throws RuntimeError if it is not defined or defined twice. */
    redefine(name: string, inputs: readonly string[], definition: Definition | unknown): Variable;
    redefine(name: string, definition: Definition | unknown): Variable;
    import(remote: string, name: string, module: Module): Variable;
    import(remote: string, module: Module): Variable;
    /**
     * A new (undefined) variable with this observer; an observer makes it and its inputs reachable, and only
     * reachable variables are computed. `shadow` maps names to local definitions visible only to it.
     */
    variable(observer?: Observer | boolean, options?: { shadow?: Record<string, Definition> }): Variable;
    /**
     * The variable's next settled value. If nothing observes it, temporarily observes it (computing it and its
     * inputs) and removes that observer afterwards. Rejects with RuntimeError "<name> is not defined" if unknown.
     */
    value(name: string): Promise<unknown>;
    /** Copy of this module with `injects` imported from `injectModule` instead. */
    derive(injects: ReadonlyArray<string | { name: string; alias?: string }>, injectModule: Module): Module;
    /** Add a module-level builtin (like `invalidation`) visible to this module's variables. */
    builtin(name: string, value: unknown): void;
  }

  export type ModuleDefinition = (runtime: Runtime, observer: (name?: string) => Observer | undefined) => void;

  export class Runtime {
    /**
     * `builtins`: name → definition (functions are called, once, lazily, to produce the value; other values are
     * constants). Names not found anywhere are looked up with `global(name)` (default: globalThis), which must
     * throw for unknown names.
     */
    constructor(builtins?: Record<string, unknown>, global?: (name: string) => unknown);
    /** An empty module, or (with a definition) the module built by calling `define` once per runtime. */
    module(define?: ModuleDefinition, observer?: (name?: string) => Observer | undefined): Module;
    /** Invalidate every variable (generators get return()) and stop computing. */
    dispose(): void;
  }

  export class RuntimeError extends Error {
    constructor(message: string, input?: string);
    /** The name of the input that failed (when the error came from an input). */
    input?: string;
  }
}
