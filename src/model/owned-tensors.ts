/**
 * Device buffers allocated together and freed together: every pass's buffer set (workspaces, batched
 * passes, HVP buffers) is made through one of these, so each tensor it makes is tracked for dispose.
 */
import type { Backend, Tensor } from '../backend/backend.js';

export interface OwnedTensors {
  /** A new tensor of `size` elements (at least 1: a zero-size buffer is not allowed), tracked. */
  make(size: number): Tensor;
  /** Every tensor made so far, in order. */
  readonly all: Tensor[];
  /** Frees every tracked tensor not yet freed. */
  dispose(): void;
}

export function ownedTensors(k: Backend): OwnedTensors {
  const all: Tensor[] = [];
  return {
    all,
    make: (size) => {
      const t = k.create(Math.max(1, size));
      all.push(t);
      return t;
    },
    dispose: () => {
      for (const t of all) if (!t.disposed) k.dispose(t);
    },
  };
}
