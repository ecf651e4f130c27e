/** Base class of every error this package throws on purpose. */
export class DropoutSmeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A caller passed a value that does not meet the stated expectation. */
export class ArgumentError extends DropoutSmeError {
  constructor(readonly argument: string, readonly expected: string, readonly got?: unknown) {
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
  constructor(readonly reason: string, readonly checkpoint: TrainCheckpoint | null = null) {
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
  /** The losses recorded by the completed steps, and their step numbers. */
  losses: Float32Array;
  lossSteps: Int32Array;
  /** Parameter snapshots taken by the completed steps (S × D), and their step numbers. */
  snapshots: Float32Array | null;
  snapshotSteps: Int32Array;
}

/** A buffer was used after dispose(), or on an engine it does not belong to. */
export class DisposedError extends DropoutSmeError {}

/** Training or simulation diverged: the loss became NaN/Inf or grew past the bound. */
export class DivergenceError extends DropoutSmeError {
  constructor(readonly step: number, readonly value: number, readonly bound: number) {
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
