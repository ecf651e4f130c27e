/**
 * Linear-memory allocator for the WebAssembly backend: 64-byte aligned blocks, a first-fit free
 * list kept sorted by address with coalescing of neighbours, and memory growth when nothing fits.
 * Growing detaches (non-shared) or outdates (shared) every typed-array view, so views are taken
 * through `f32()` / `u32()` / `u8()`, which re-create them after a growth.
 */

const ALIGN = 64;
const PAGE = 65536;

interface Block {
  ptr: number;
  bytes: number;
}

export class Allocator {
  /** Free blocks, sorted by ptr, never adjacent (coalesced). */
  private free: Block[] = [];
  /** Sizes of live allocations. */
  private live = new Map<number, number>();
  /** End of the managed region (= current memory size). */
  private top: number;
  private buffer: ArrayBufferLike | null = null;
  private f32View = new Float32Array(0);
  private u32View = new Uint32Array(0);
  private u8View = new Uint8Array(0);

  constructor(readonly memory: WebAssembly.Memory, base: number) {
    const start = align(base);
    this.top = memory.buffer.byteLength;
    if (this.top > start) this.free.push({ ptr: start, bytes: this.top - start });
  }

  /** Bytes currently reserved by live allocations. */
  get liveBytes(): number {
    let s = 0;
    for (const b of this.live.values()) s += b;
    return s;
  }

  /** A block of at least `bytes` bytes, 64-byte aligned. Contents are unspecified. */
  alloc(bytes: number): number {
    const size = align(Math.max(bytes, 1));
    for (let i = 0; i < this.free.length; i++) {
      const b = this.free[i]!;
      if (b.bytes >= size) {
        const ptr = b.ptr;
        if (b.bytes === size) this.free.splice(i, 1);
        else {
          b.ptr += size;
          b.bytes -= size;
        }
        this.live.set(ptr, size);
        return ptr;
      }
    }
    // Grow: reuse a free block that ends at the top, else start at the top.
    const last = this.free[this.free.length - 1];
    const tail = last && last.ptr + last.bytes === this.top ? last : null;
    const need = size - (tail ? tail.bytes : 0);
    const current = this.memory.buffer.byteLength / PAGE;
    const pages = Math.max(Math.ceil(need / PAGE), Math.ceil(current / 4));
    this.grow(pages, Math.ceil(need / PAGE));
    const ptr = tail ? tail.ptr : this.top;
    if (tail) this.free.pop();
    const newTop = this.memory.buffer.byteLength;
    this.top = newTop;
    this.live.set(ptr, size);
    if (ptr + size < newTop) this.free.push({ ptr: ptr + size, bytes: newTop - ptr - size });
    return ptr;
  }

  private grow(pages: number, minimum: number): void {
    try {
      this.memory.grow(pages);
    } catch {
      try {
        this.memory.grow(minimum);
      } catch {
        throw new RangeError(`wasm: out of memory (could not grow linear memory by ${minimum * PAGE} bytes beyond ${this.memory.buffer.byteLength})`);
      }
    }
  }

  /** Returns a block from `alloc` to the free list, merging it with free neighbours. */
  release(ptr: number): void {
    const size = this.live.get(ptr);
    if (size === undefined) throw new Error(`wasm allocator: ${ptr} is not allocated`);
    this.live.delete(ptr);
    // Binary search for the first free block after ptr.
    let lo = 0, hi = this.free.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.free[mid]!.ptr < ptr) lo = mid + 1;
      else hi = mid;
    }
    const prev = lo > 0 ? this.free[lo - 1]! : null;
    const next = lo < this.free.length ? this.free[lo]! : null;
    if (prev && prev.ptr + prev.bytes === ptr) {
      prev.bytes += size;
      if (next && prev.ptr + prev.bytes === next.ptr) {
        prev.bytes += next.bytes;
        this.free.splice(lo, 1);
      }
    } else if (next && ptr + size === next.ptr) {
      next.ptr = ptr;
      next.bytes += size;
    } else {
      this.free.splice(lo, 0, { ptr, bytes: size });
    }
  }

  /** Number of free-list entries (for tests of coalescing). */
  get fragments(): number {
    return this.free.length;
  }

  private refresh(): void {
    const buf = this.memory.buffer;
    if (buf !== this.buffer || this.f32View.length * 4 !== buf.byteLength) {
      this.buffer = buf;
      this.f32View = new Float32Array(buf);
      this.u32View = new Uint32Array(buf);
      this.u8View = new Uint8Array(buf);
    }
  }

  f32(): Float32Array {
    this.refresh();
    return this.f32View;
  }

  u32(): Uint32Array {
    this.refresh();
    return this.u32View;
  }

  u8(): Uint8Array {
    this.refresh();
    return this.u8View;
  }
}

function align(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}
