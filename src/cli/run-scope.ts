/**
 * The frame of every command that writes an output folder: the folder is opened (created,
 * checked, locked, marked) before anything is computed, SIGINT/SIGTERM abort the run's signal,
 * and at the end, however it ends, the lock is released. An interrupted run ends with an
 * Interrupted error saying what was kept.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Interrupted, onPath } from './cli-errors.js';
import { writeAtomic } from './files.js';
import { catchInterrupts } from './interrupt.js';
import { openOutFolder, type OutFolder, type OutFolderOptions } from './out-folder.js';

export interface RunScope {
  folder: OutFolder;
  signal: AbortSignal;
  /** Claims `rel` in the folder's marker, then writes it atomically. */
  write(rel: string, data: string | Uint8Array): void;
}

export async function withOutFolder<T>(
  out: string, options: OutFolderOptions, keptOnInterrupt: string | (() => string), body: (scope: RunScope) => Promise<T>,
): Promise<T> {
  const folder = openOutFolder(out, options);
  const interrupts = catchInterrupts();
  const made = new Set<string>();
  try {
    return await body({
      folder, signal: interrupts.signal,
      write: (rel, data) => {
        folder.claim([rel]);
        const path = join(out, rel), dir = dirname(path);
        if (dir !== join(out) && !made.has(dir)) {
          onPath('cannot create the folder', dir, () => mkdirSync(dir, { recursive: true }));
          made.add(dir);
        }
        writeAtomic(path, data);
      },
    });
  } catch (e) {
    const stopped = interrupts.interrupted(typeof keptOnInterrupt === 'string' ? keptOnInterrupt : keptOnInterrupt());
    throw stopped && (e instanceof Interrupted || e === interrupts.signal.reason) ? stopped : e;
  } finally {
    interrupts.dispose();
    folder.release();
  }
}
