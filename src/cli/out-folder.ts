/**
 * The output folder of a run, owned by it:
 * - created (one level at a time, so a path the file system refuses fails at once) or, when it
 *   exists, checked to be a folder; a non-empty folder no dropout-sme run wrote is refused unless
 *   --force (and even then no file of yours is deleted, only files of the same names overwritten);
 * - locked by the run (`.dropout-sme-<slot>.lock`, holding the PID), so a second run into the same
 *   folder stops with a clear error; a lock whose process is gone is taken over, with a message;
 * - marked (`.dropout-sme-<slot>.json`) with every file the run writes, listed before it is
 *   written, so a fresh run deletes exactly the files of the run it replaces and nothing else.
 * A slot is one run's share of a folder: `run`, or `run-shard-i-of-N` (shards of one run may write
 * into one folder at the same time).
 */
import { hostname } from 'node:os';
import { closeSync, linkSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, rmdirSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, resolve, sep } from 'node:path';
import { formatError } from '../data/bytes.js';
import { VERSION } from '../version.js';
import { errnoCode, fileError, onPath } from './cli-errors.js';
import { isTempOf, tempName, writeAtomic } from './files.js';

export const MARKER_SCHEMA = 'dropout-sme/run@1';
const PREFIX = '.dropout-sme-';

interface Marker {
  schema: typeof MARKER_SCHEMA;
  version: string;
  command: string;
  slot: string;
  /** Paths relative to the folder, '/'-separated. */
  files: string[];
}

export interface OutFolder {
  readonly path: string;
  /** Adds files (paths relative to the folder) to the marker; call before writing them. */
  claim(files: readonly string[]): void;
  /** Removes the lock (also done at process exit). */
  release(): void;
}

export interface OutFolderOptions {
  command: string;
  /** 'run' or 'run-shard-i-of-N'. */
  slot: string;
  /** Write into a non-empty folder no dropout-sme run wrote. */
  force: boolean;
  /** Continue the slot's earlier run: its files are kept. */
  resume: boolean;
}

/** Creates the folder and any missing parents, one level at a time. */
function ensureFolder(out: string): void {
  const target = resolve(out);
  const missing: string[] = [];
  for (let p = target; ; p = dirname(p)) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch (e) {
      const code = errnoCode(e);
      if (code === 'ENOTDIR') {
        // A file stands where a folder should: the walk up names it.
        missing.push(p);
        continue;
      }
      if (code === 'ENOENT') {
        // A symbolic link whose target is missing: lstat sees the link, stat does not.
        let dangling = false;
        try { dangling = lstatSync(p).isSymbolicLink(); } catch { /* nothing there */ }
        if (dangling) throw formatError('--out', 'a folder, or a path where one can be created', `${out} (${p} is a symbolic link to a missing target)`);
        if (dirname(p) === p) throw fileError(e, 'cannot create the output folder', out);
        missing.push(p);
        continue;
      }
      throw fileError(e, 'cannot use the output folder', out);
    }
    if (!isDir) throw formatError('--out', 'a folder, or a path where one can be created', `${out} (${p} exists and is not a folder)`);
    break;
  }
  for (const p of missing.reverse()) {
    try {
      mkdirSync(p);
    } catch (e) {
      const code = errnoCode(e);
      if (code === 'EEXIST' && statSync(p).isDirectory()) continue; // another run made it meanwhile
      // procfs and sysfs answer ENOENT or EPERM for a folder under an existing one.
      const hint = code === 'ENOENT' ? ` although ${dirname(p)} exists: that file system does not take new folders` : '';
      throw formatError('--out', 'a folder, or a path where one can be created', `${out} (cannot create ${p}: ${code ?? (e as Error).message}${hint})`);
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errnoCode(e) === 'EPERM';
  }
}

/** Creates `path` only if absent: a hard link to the written `aside` file, or where the file system has no hard links, an exclusive create. */
function createWhole(aside: string, path: string, info: object): void {
  try {
    linkSync(aside, path);
  } catch (e) {
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'].includes(errnoCode(e) ?? '')) throw e;
    const fd = openSync(path, 'wx');
    try { writeSync(fd, JSON.stringify(info) + '\n'); } finally { closeSync(fd); }
  }
}

/** Takes the slot's lock: created whole (written aside, then hard-linked in), or refused. */
function lock(out: string, slot: string, command: string): string {
  const path = join(out, `${PREFIX}${slot}.lock`);
  const info = { pid: process.pid, host: hostname(), command, started: new Date().toISOString() };
  const aside = tempName(path);
  onPath('cannot write in the output folder', out, () => {
    const fd = openSync(aside, 'w');
    try { writeSync(fd, JSON.stringify(info) + '\n'); } finally { closeSync(fd); }
  });
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        createWhole(aside, path, info);
        return path;
      } catch (e) {
        if (errnoCode(e) !== 'EEXIST' || attempt > 0) throw fileError(e, 'cannot lock the output folder with', path);
      }
      let held: { pid?: unknown; host?: unknown; command?: unknown; started?: unknown } = {}, text = '';
      try {
        text = readFileSync(path, 'utf8');
        held = JSON.parse(text) as typeof held;
      } catch { /* unreadable: treated as stale */ }
      const pid = typeof held.pid === 'number' ? held.pid : null;
      const here = held.host === hostname();
      if (pid !== null && (!here || alive(pid))) {
        throw formatError('--out', 'a folder no other run is writing to',
          `${out} (in use by dropout-sme ${String(held.command)}, pid ${pid}${here ? '' : ` on ${String(held.host)}`}, since ${String(held.started)}; if that run is gone, delete ${path})`);
      }
      process.stderr.write(`dropout-sme: taking over the lock in ${out} left by ${pid === null ? 'a run' : `pid ${pid}`}, which is no longer running\n`);
      try {
        // Only the lock read above: another run taking it over at the same moment may have replaced it.
        if (readFileSync(path, 'utf8') === text) unlinkSync(path);
      } catch (e) {
        if (errnoCode(e) !== 'ENOENT') throw fileError(e, 'cannot remove the stale lock', path);
      }
    }
  } finally {
    try { unlinkSync(aside); } catch { /* gone */ }
  }
}

function readMarker(file: string): Marker | null {
  let m: Partial<Marker>;
  try {
    m = JSON.parse(readFileSync(file, 'utf8')) as Partial<Marker>;
  } catch {
    return null;
  }
  return m && m.schema === MARKER_SCHEMA && Array.isArray(m.files) ? (m as Marker) : null;
}

/** A marker's path, if it stays inside the folder (a tampered marker deletes nothing outside). */
function inside(root: string, rel: unknown): string | null {
  if (typeof rel !== 'string' || rel === '' || isAbsolute(rel)) return null;
  const n = normalize(rel);
  return n.split(sep).includes('..') ? null : join(root, n);
}

/**
 * Deletes the temporaries a killed run of the slot left beside its listed files, and unless
 * `keep` the files themselves, in the order listed (a checkpoint's manifest comes before the files
 * it names, so a clearing cut short never leaves a manifest without its files), then the folders
 * that leaves empty.
 */
function clearListed(out: string, files: readonly string[], keep: boolean): void {
  const root = resolve(out), listings = new Map<string, string[]>();
  const listing = (dir: string) => {
    if (!listings.has(dir)) {
      let entries: string[] = [];
      try { entries = readdirSync(dir); } catch { /* gone */ }
      listings.set(dir, entries);
    }
    return listings.get(dir)!;
  };
  for (const rel of files) {
    const path = inside(root, rel);
    if (!path) continue;
    const dir = dirname(path), name = path.slice(dir.length + 1);
    for (const e of listing(dir)) {
      if (!isTempOf(name, e) && (keep || e !== name)) continue;
      try {
        if (lstatSync(join(dir, e)).isFile()) unlinkSync(join(dir, e));
      } catch (err) {
        if (errnoCode(err) !== 'ENOENT') throw fileError(err, 'cannot delete the earlier run\'s', join(dir, e));
      }
    }
  }
  if (keep) return;
  for (const dir of [...listings.keys()].filter((d) => d !== root).sort((a, b) => b.length - a.length)) {
    try { rmdirSync(dir); } catch { /* not empty (files of yours) or gone */ }
  }
}

export function openOutFolder(out: string, o: OutFolderOptions): OutFolder {
  if (out === '') throw formatError('--out', 'a folder path', 'an empty string');
  ensureFolder(out);
  const entries = onPath('cannot read the output folder', out, () => readdirSync(out));
  const ours = entries.some((e) => e.startsWith(PREFIX));
  if (!ours && entries.length > 0 && !o.force) {
    throw formatError('--out', 'a new or empty folder, or one a dropout-sme run wrote (--force writes into it anyway, deleting nothing)',
      `${out} (holds ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} of its own, e.g. ${entries.sort()[0]})`);
  }
  const lockPath = lock(out, o.slot, o.command);
  // Temporaries of the slot's marker and lock that killed runs left behind.
  for (const e of entries) {
    const m = /^\.dropout-sme-(.+)\.(json|lock)\.tmp-(\d+)$/.exec(e);
    if (m && m[1] === o.slot && Number(m[3]) !== process.pid && !alive(Number(m[3]))) try { unlinkSync(join(out, e)); } catch { /* gone */ }
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    try {
      const held = JSON.parse(readFileSync(lockPath, 'utf8')) as { pid?: unknown };
      if (held.pid === process.pid) unlinkSync(lockPath);
    } catch { /* already gone */ }
  };
  process.once('exit', release);
  try {
    const markerPath = join(out, `${PREFIX}${o.slot}.json`);
    const earlier = readMarker(markerPath);
    if (earlier) clearListed(out, earlier.files, o.resume);
    const marker: Marker = { schema: MARKER_SCHEMA, version: VERSION, command: o.command, slot: o.slot, files: o.resume && earlier ? [...earlier.files] : [] };
    writeAtomic(markerPath, JSON.stringify(marker, null, 1) + '\n');
    return {
      path: out,
      claim(files) {
        const have = new Set(marker.files);
        const added = files.filter((f) => !have.has(f));
        if (added.length === 0) return;
        marker.files.push(...added);
        writeAtomic(markerPath, JSON.stringify(marker, null, 1) + '\n');
      },
      release() {
        process.off('exit', release);
        release();
      },
    };
  } catch (e) {
    release();
    throw e;
  }
}
