/** Base class of every error this package throws on purpose. */
export class DropoutSmeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * A caller passed a value that does not meet the stated expectation. The message reads
 * "<argument>: expected <expectation>, got <value>", e.g. "options.keep: expected a keep
 * probability in (0, 1], got 1.5".
 */
export class ArgumentError extends DropoutSmeError {
  constructor(
    /** The argument's name as the caller wrote it, e.g. 'options.lr' or '--keep'. */
    readonly argument: string,
    /** What a valid value is. */
    readonly expected: string,
    /** The value received (undefined when not shown). */
    readonly got?: unknown,
  ) {
    super(`${argument}: expected ${expected}${got === undefined ? '' : `, got ${describe(got)}`}`);
  }
}

/** The requested backend (or a device feature) is not available here. */
export class BackendUnavailableError extends DropoutSmeError {}

/**
 * The WebGPU device was lost (driver reset, GPU removed, device.destroy()) during or before the
 * call. Every later call on that engine throws it too. Where training was interrupted, `checkpoint`
 * holds the last completed state read back to the host (parameters, losses, the step to resume
 * from), so a new engine (e.g. backend 'wasm') can setParams and continue with startStep.
 */
export class DeviceLostError extends BackendUnavailableError {
  constructor(
    /** Why the device was lost, as WebGPU reported it. */
    readonly reason: string,
    /** The last state a training run read back before the loss, or null. */
    readonly checkpoint: TrainCheckpoint | null = null,
  ) {
    super(`WebGPU device lost: ${reason}${checkpoint ? `; the state after step ${checkpoint.step} was kept (error.checkpoint)` : ''}`);
  }
}

/** What a training run had completed when it was interrupted (see DeviceLostError). */
export interface TrainCheckpoint {
  /** The step counter to resume with (train's startStep): startStep + completed. */
  step: number;
  /** Steps of this run completed. */
  completed: number;
  /** θ after those steps (length D). */
  params: Float32Array;
  /** The losses recorded by the completed steps. */
  losses: Float32Array;
  /** The step number of each recorded loss. */
  lossSteps: Int32Array;
  /** Parameter snapshots taken by the completed steps (S × D row-major), or null. */
  snapshots: Float32Array | null;
  /** The step number of each snapshot. */
  snapshotSteps: Int32Array;
}

/** A buffer was used after dispose(), or on an engine it does not belong to. */
export class DisposedError extends DropoutSmeError {}

/** Training or simulation diverged: the loss became NaN/Inf or grew past the bound. */
export class DivergenceError extends DropoutSmeError {
  constructor(
    /** The step whose loss was checked. */
    readonly step: number,
    /** That loss: NaN, ±Infinity or a finite value above the bound. */
    readonly value: number,
    /** The bound it was compared with. */
    readonly bound: number,
  ) {
    super(`diverged at step ${step}: loss ${value}${Number.isFinite(value) ? ` exceeds the bound ${bound}` : ''} (lower the learning rate)`);
  }
}

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${(v as unknown as ArrayLike<number>).length})`;
  if (Array.isArray(v)) return `array(${v.length})`;
  return typeof v;
}
