/** File output for the command line (Node): atomic writes and the checkpoint store of units. */
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Json } from '../experiments/units.js';
import type { UnitStore } from '../experiments/runner.js';

/** Writes a file through a temporary name and a rename, so a kill never leaves half a file. */
export function writeAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/** FNV-1a of a unit key: a short, filesystem-safe, stable file name. */
function fileNameOf(key: string): string {
  let h1 = 0x811c9dc5, h2 = 0x01000193;
  for (let i = 0; i < key.length; i++) {
    h1 = Math.imul(h1 ^ key.charCodeAt(i), 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ key.charCodeAt(i), 0x85ebca6b) >>> 0;
  }
  return `${h1.toString(16).padStart(8, '0')}${h2.toString(16).padStart(8, '0')}.json`;
}

/**
 * Finished units in `dir`, one JSON file each ({ key, value }), written atomically as each unit
 * finishes: what a killed run leaves behind is exactly the units it completed.
 */
export class DirectoryStore implements UnitStore {
  readonly #cache = new Map<string, Json>();

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    for (const name of readdirSync(dir)) {
      if (!name.endsWith('.json')) continue;
      try {
        const entry = JSON.parse(readFileSync(join(dir, name), 'utf8')) as { key?: unknown; value?: Json };
        if (typeof entry.key === 'string' && entry.value !== undefined && fileNameOf(entry.key) === name) this.#cache.set(entry.key, entry.value);
      } catch {
        // A file that does not parse is ignored: its unit simply runs again.
      }
    }
  }

  get(key: string): Json | undefined {
    return this.#cache.get(key);
  }

  put(key: string, value: Json): void {
    writeAtomic(join(this.dir, fileNameOf(key)), JSON.stringify({ key, value }));
    this.#cache.set(key, value);
  }

  entries(): Record<string, Json> {
    return Object.fromEntries(this.#cache);
  }
}

export function clearDir(dir: string): void {
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
}
