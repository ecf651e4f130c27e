/**
 * SIGINT and SIGTERM during a run: the first aborts the run's AbortSignal (the computing loops
 * check it between steps, so the run stops within moments, keeps what it finished and releases
 * its folder); a second one stops the process at once.
 */
import { Interrupted } from './cli-errors.js';

export interface InterruptScope {
  signal: AbortSignal;
  /** The Interrupted error with a line on what was kept, if the run was interrupted. */
  interrupted(detail: string): Interrupted | null;
  dispose(): void;
}

export function catchInterrupts(): InterruptScope {
  const controller = new AbortController();
  const handler = (sig: NodeJS.Signals) => {
    const name = sig === 'SIGINT' ? 'SIGINT' : 'SIGTERM';
    if (controller.signal.aborted) process.exit((controller.signal.reason as Interrupted).exitCode);
    process.stderr.write(`\n${name}: stopping (again to stop at once)\n`);
    controller.abort(new Interrupted(name));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    interrupted: (detail) => {
      const r = controller.signal.reason as unknown;
      return controller.signal.aborted && r instanceof Interrupted ? new Interrupted(r.signal, detail) : null;
    },
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
