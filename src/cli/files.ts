/**
 * Files for the command line (Node): atomic writes, input files read with a size limit before
 * parsing, and the checkpoint store of units. Every file-system error becomes a one-line
 * FileError naming the path; a bad input file is an ArgumentError naming its option.
 */
import { closeSync, fstatSync, fsyncSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ArgumentError } from '../errors.js';
import { formatError } from '../data/bytes.js';
import type { Json } from '../experiments/units.js';
import type { UnitStore } from '../experiments/runner.js';
import { errnoCode, fileError } from './cli-errors.js';

/** The temporary name a file is written under before its rename. */
export const tempName = (path: string) => `${path}.tmp-${process.pid}`;
/** Matches the temporary names of `name` left by killed processes. */
export const isTempOf = (name: string, entry: string) => entry.startsWith(`${name}.tmp-`) && /^\d+$/.test(entry.slice(name.length + 5));

/**
 * Writes a file through a temporary name, flushed to the disk, then renamed over `path`: a kill
 * leaves the old file or the new one, never half of one; a failure (a full disk) removes the
 * temporary file and names the path.
 */
export function writeAtomic(path: string, data: string | Uint8Array): void {
  const tmp = tempName(path);
  let fd: number | null = null;
  try {
    fd = openSync(tmp, 'w');
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== null) try { closeSync(fd); } catch { /* already failing */ }
    try { unlinkSync(tmp); } catch { /* never created */ }
    throw fileError(e, 'cannot write', path);
  }
}

const SIZE = (b: number) => (b >= 2 ** 30 ? `${b / 2 ** 30} GiB` : b >= 2 ** 20 ? `${b / 2 ** 20} MiB` : `${b} bytes`);

/**
 * The bytes of the file an option names, at most `maxBytes`: a folder, a device (/dev/zero) or a
 * larger file is refused before reading; a pipe is read until the limit.
 */
export function readLimited(option: string, path: string, maxBytes: number): Uint8Array {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    const code = errnoCode(e);
    throw formatError(option, 'an existing, readable file', `${path} (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a folder' : code ?? (e as Error).message})`);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw formatError(option, 'a file', `${path} (a folder)`);
    if (st.isCharacterDevice() || st.isBlockDevice()) throw formatError(option, 'a regular file or a pipe', `${path} (a device)`);
    if (st.isFile() && st.size > maxBytes) throw formatError(option, `a file of at most ${SIZE(maxBytes)}`, `${path} (${st.size} bytes)`);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 20, maxBytes + 1 - total));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > maxBytes) throw formatError(option, `a file of at most ${SIZE(maxBytes)}`, `${path} (more)`);
    }
    const all = Buffer.concat(chunks, total);
    return new Uint8Array(all.buffer, all.byteOffset, all.byteLength);
  } catch (e) {
    if (e instanceof ArgumentError) throw e;
    throw formatError(option, 'a readable file', `${path} (${errnoCode(e) ?? (e as Error).message})`);
  } finally {
    closeSync(fd);
  }
}

/** UTF-8 text of an input file (readLimited), refusing bytes that are not UTF-8. */
export function readTextLimited(option: string, path: string, maxBytes: number): string {
  const bytes = readLimited(option, path, maxBytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw formatError(option, 'a UTF-8 text file', `${path} (other bytes)`);
  }
}

/** FNV-1a of a unit key: a short, filesystem-safe, stable file name. */
export function unitFileName(key: string): string {
  let h1 = 0x811c9dc5, h2 = 0x01000193;
  for (let i = 0; i < key.length; i++) {
    h1 = Math.imul(h1 ^ key.charCodeAt(i), 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ key.charCodeAt(i), 0x85ebca6b) >>> 0;
  }
  return `${h1.toString(16).padStart(8, '0')}${h2.toString(16).padStart(8, '0')}.json`;
}

/** Largest checkpoint file of one unit read back (the biggest units hold a few MB of JSON). */
const MAX_UNIT_BYTES = 1 << 30;

/**
 * Finished units in `dir`, one JSON file each ({ key, value }), written atomically as each unit
 * finishes: what a killed run leaves behind is exactly the units it completed. A resumed run
 * loads them (`load`); a fresh run starts empty and overwrites.
 */
export class DirectoryStore implements UnitStore {
  readonly #cache = new Map<string, Json>();

  constructor(readonly dir: string, options: { load: boolean }) {
    try {
      mkdirSync(dir);
    } catch (e) {
      if (errnoCode(e) !== 'EEXIST') throw fileError(e, 'cannot create the folder', dir);
    }
    if (!options.load) return;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch (e) {
      throw fileError(e, 'cannot read the folder', dir);
    }
    for (const name of names) {
      if (!/^[0-9a-f]{16}\.json$/.test(name)) continue;
      try {
        const text = readFileSync(join(dir, name), 'utf8');
        if (text.length > MAX_UNIT_BYTES) continue;
        const entry = JSON.parse(text) as { key?: unknown; value?: Json };
        if (typeof entry.key === 'string' && entry.value !== undefined && unitFileName(entry.key) === name) this.#cache.set(entry.key, entry.value);
      } catch {
        // A file that does not read or parse is ignored: its unit simply runs again.
      }
    }
  }

  get(key: string): Json | undefined {
    return this.#cache.get(key);
  }

  put(key: string, value: Json): void {
    writeAtomic(join(this.dir, unitFileName(key)), JSON.stringify({ key, value }));
    this.#cache.set(key, value);
  }

  entries(): Record<string, Json> {
    return Object.fromEntries(this.#cache);
  }
}
