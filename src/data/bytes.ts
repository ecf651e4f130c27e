/**
 * Byte helpers shared by the file readers: argument normalisation, error construction, gzip
 * (web-standard DecompressionStream, present in Node ≥ 18, Deno and browsers) with a hard output
 * limit, and loading a file or URL without a top-level Node import.
 */
import { ArgumentError, DropoutSmeError } from '../errors.js';

/** Anything that holds bytes: a Uint8Array (Node's Buffer included), an ArrayBuffer or any view. */
export type BytesLike = Uint8Array | ArrayBuffer | ArrayBufferView;

/** Default bound on decompressed output: 1 GiB (EMNIST's largest file is about half of it). */
export const DEFAULT_MAX_BYTES = 2 ** 30;

/**
 * An ArgumentError whose "got" part is free text (the detail of what was found), so messages read
 * `name: expected X, got Y at byte 12` without quotes around Y.
 */
export function formatError(argument: string, expected: string, got: string): ArgumentError {
  const e = new ArgumentError(argument, expected, got);
  e.message = `${argument}: expected ${expected}, got ${got}`;
  return e;
}

/**
 * The bytes of v as a plain Uint8Array view (no copy), or an ArgumentError naming `name`. A
 * subclass (Node's Buffer) becomes a plain view, because Buffer's slice() shares memory where
 * Uint8Array's copies: readers that copy with slice() would otherwise see Node's whole 8 KiB
 * pool behind a small file's Buffer.
 */
export function toBytes(name: string, v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return v.constructor === Uint8Array ? v : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  if (typeof SharedArrayBuffer !== 'undefined' && v instanceof SharedArrayBuffer) return new Uint8Array(v);
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  throw new ArgumentError(name, 'bytes (a Uint8Array, ArrayBuffer or typed array)', v);
}

/** True when the bytes start with the gzip magic 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Hex of the first few bytes, for messages ("93 4e 55 4d"). */
export function hexPrefix(bytes: Uint8Array, count = 8): string {
  if (bytes.length === 0) return 'no bytes';
  const shown = Array.from(bytes.subarray(0, count), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return bytes.length > count ? `${shown} …` : shown;
}

/** Options of {@link gunzip}. */
export interface GunzipOptions {
  /** The argument name used in error messages (default 'bytes'). */
  name?: string;
  /** Refuse (and stop decompressing) once the output would exceed this many bytes. */
  maxBytes?: number;
  /**
   * Called with the output so far until it returns a number: the exact decompressed size the
   * caller expects (from a header it can already parse). Output beyond it stops decompression
   * at once with an error; the callback may also throw to reject a malformed header early.
   */
  expectedSize?: (head: Uint8Array) => number | undefined;
}

/**
 * Decompresses gzip data with DecompressionStream, chunk by chunk, never holding more than the
 * bound (maxBytes, or the size the expectedSize callback reports) in memory. Corrupt or
 * truncated input becomes an ArgumentError; nothing else escapes.
 */
export async function gunzip(input: BytesLike, opts: GunzipOptions = {}): Promise<Uint8Array> {
  const name = opts.name ?? 'bytes';
  const bytes = toBytes(name, input);
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  if (typeof maxBytes !== 'number' || !Number.isInteger(maxBytes) || maxBytes < 0) {
    throw new ArgumentError('maxBytes', 'a non-negative integer', maxBytes);
  }
  if (!isGzip(bytes)) throw formatError(name, 'gzip data (magic 1f 8b)', hexPrefix(bytes));
  if (typeof DecompressionStream === 'undefined') {
    throw new DropoutSmeError(`${name}: gzip data needs DecompressionStream, which this runtime lacks`);
  }
  // Copy into a fresh buffer: the stream may transfer or detach what it is given.
  const stream = new Blob([bytes.slice()]).stream().pipeThrough(new DecompressionStream('gzip'));
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let limit = maxBytes;
  let limitIsExpected = false;
  let head: Uint8Array | undefined;
  try {
    for (;;) {
      let r: ReadableStreamReadResult<Uint8Array>;
      try {
        r = await reader.read();
      } catch (e) {
        throw formatError(name, 'valid gzip data', `a decompression error (${(e as Error)?.message ?? String(e)})`);
      }
      if (r.done) break;
      const chunk = r.value;
      if (total + chunk.length > limit) {
        if (limitIsExpected) throw formatError(name, `${limit} bytes after decompression (the size its header declares)`, 'more (trailing data)');
        throw formatError(name, `at most ${limit} bytes after decompression (maxBytes)`, 'more');
      }
      chunks.push(chunk);
      total += chunk.length;
      if (opts.expectedSize && !limitIsExpected) {
        head = chunks.length === 1 ? chunk : concat(chunks, total);
        const size = opts.expectedSize(head);
        if (size !== undefined) {
          if (size > maxBytes) throw formatError(name, `at most ${maxBytes} bytes after decompression (maxBytes)`, `a header declaring ${size}`);
          limit = size;
          limitIsExpected = true;
          if (total > limit) throw formatError(name, `${limit} bytes after decompression (the size its header declares)`, 'more (trailing data)');
        }
      }
    }
  } catch (e) {
    reader.cancel().catch(() => {});
    throw e;
  }
  return chunks.length === 1 ? chunks[0]! : concat(chunks, total);
}

/** gzip-compresses bytes with CompressionStream (for writing test fixtures and .gz outputs). */
export async function gzip(input: BytesLike): Promise<Uint8Array> {
  const bytes = toBytes('bytes', input);
  if (typeof CompressionStream === 'undefined') {
    throw new DropoutSmeError('gzip needs CompressionStream, which this runtime lacks');
  }
  const stream = new Blob([bytes.slice()]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/**
 * Reads a file's bytes: a URL (http:, https:, data:, blob:, file:) through fetch, or a path
 * through node:fs/promises where a filesystem exists (Node, Deno, Bun; imported lazily, so
 * browsers never load it). In a browser a plain string is fetched relative to the page.
 */
export async function loadBytes(source: string | URL): Promise<Uint8Array> {
  if (!(typeof source === 'string' || source instanceof URL) || String(source) === '') {
    throw new ArgumentError('source', 'a non-empty path or URL', source);
  }
  const str = String(source);
  const isUrl = source instanceof URL || /^[a-z][a-z0-9+.-]*:\/\//i.test(str) || /^(data|blob):/i.test(str);
  const hasFs = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string'
    || typeof (globalThis as { Deno?: unknown }).Deno !== 'undefined';
  if (hasFs && (!isUrl || str.startsWith('file:'))) {
    const fs = await import('node:fs/promises');
    try {
      const buf = await fs.readFile(isUrl ? new URL(str) : str);
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    } catch (e) {
      throw formatError('source', 'a readable file', `${JSON.stringify(str)} (${(e as Error).message})`);
    }
  }
  let res: Response;
  try {
    res = await fetch(str);
  } catch (e) {
    throw formatError('source', 'a reachable URL', `${JSON.stringify(str)} (${(e as Error).message})`);
  }
  if (!res.ok) throw formatError('source', 'a reachable URL', `${JSON.stringify(str)} (HTTP ${res.status})`);
  return new Uint8Array(await res.arrayBuffer());
}
