/**
 * The command line's own expected failures: a file-system error on a path (one line naming the
 * path and the reason, exit status 2) and an interrupt (SIGINT / SIGTERM: exit status 130 / 143).
 */
import { DropoutSmeError } from '../errors.js';

const REASONS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'it is a folder',
  EEXIST: 'it already exists',
  ENOTEMPTY: 'the folder is not empty',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large',
  EIO: 'input/output error',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'name too long',
  EMFILE: 'too many open files',
  EBUSY: 'resource busy',
  EXDEV: 'not on the same file system',
};

/** A file-system operation on `path` failed; the message is one line: what, where, why. */
export class FileError extends DropoutSmeError {
  constructor(readonly path: string, readonly code: string, message: string) {
    super(message);
  }
}

/** The error code of a Node file-system error, or null for anything else. */
export function errnoCode(e: unknown): string | null {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? code : null;
}

/** `${action} ${path}: ${reason} (CODE)`, e.g. "cannot write out/results.json: no space left on the device (ENOSPC)". */
export function fileError(e: unknown, action: string, path: string, hint = ''): FileError | unknown {
  const code = errnoCode(e);
  if (!code) return e;
  return new FileError(path, code, `${action} ${path}: ${REASONS[code] ?? (e as Error).message} (${code})${hint}`);
}

/** Runs a synchronous file-system call, turning its error into a FileError about `path`. */
export function onPath<T>(action: string, path: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw fileError(e, action, path);
  }
}

/** SIGINT or SIGTERM stopped the run; `detail` says what was kept. */
export class Interrupted extends DropoutSmeError {
  constructor(readonly signal: 'SIGINT' | 'SIGTERM', detail = '') {
    super(`interrupted by ${signal}${detail ? `: ${detail}` : ''}`);
  }

  /** The shell's convention, 128 + the signal number. */
  get exitCode(): number {
    return this.signal === 'SIGINT' ? 130 : 143;
  }
}
