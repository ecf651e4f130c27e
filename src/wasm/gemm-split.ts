/**
 * How one gemm call is cut into chunks that threads take from a shared counter: by batch entries
 * when there are enough of them, else along the longer side of C: rows (rounded to the
 * micro-kernel height) or columns (rounded to its width). CHUNKS_PER_THREAD chunks per thread let a thread that starts
 * late take less. Small products stay whole, on the calling thread (a hand-off costs microseconds).
 */

/** Multiply-adds below which a gemm runs on one thread. */
export const THREAD_MIN_WORK = 1 << 20;
export const CHUNKS_PER_THREAD = 2;

export interface GemmPart {
  /** Pointers are byte offsets; sizes in elements. */
  m: number;
  n: number;
  batch: number;
  a: number;
  b: number;
  c: number;
  /** The part's first row and column of the whole call's C (where its prepacked panels start). */
  row0: number;
  col0: number;
}

export interface GemmCall {
  m: number; n: number; k: number; batch: number;
  a: number; b: number; c: number;
  lda: number; ldb: number; ldc: number;
  transA: boolean; transB: boolean;
  strideA: number; strideB: number; strideC: number;
}

/** Cuts `g` into non-empty chunks for `threads` threads (one chunk: run it on the caller). */
export function splitGemm(g: GemmCall, threads: number, tileRows: number, tileCols: number): GemmPart[] {
  const whole: GemmPart = { m: g.m, n: g.n, batch: g.batch, a: g.a, b: g.b, c: g.c, row0: 0, col0: 0 };
  if (threads <= 1 || g.m * g.n * g.k * g.batch < THREAD_MIN_WORK) return [whole];
  const parts: GemmPart[] = [];
  const chunks = threads * CHUNKS_PER_THREAD;
  // A broadcast B (strideB 0, the kernel packs it once for every entry) is repacked by every
  // chunk that cuts batch entries or rows, and a column split repacks all entries' A: split by
  // columns where that is less to pack (a batch of weight gradients over the same data x).
  const sharedB = g.strideB === 0 && g.batch > 1;
  const rowsFit = g.m >= 2 * tileRows * threads, colsFit = g.n >= 2 * tileCols * threads;
  const aRows = sharedB ? g.batch * g.m : g.m;
  // A broadcast A (the data x under several weight matrices) is streamed once per chunk for all
  // of the chunk's entries (the kernel's shared-A path): cut rows, so that x is read once in all.
  const sharedA = g.strideA === 0 && g.strideB !== 0 && g.batch > 1;
  const byBatch = g.batch >= chunks || (g.batch >= threads && g.batch % threads === 0);
  if (byBatch && !(sharedB && colsFit && aRows < g.n) && !(sharedA && rowsFit)) {
    for (const [lo, hi] of ranges(g.batch, Math.min(chunks, g.batch), 1)) {
      parts.push({ m: g.m, n: g.n, batch: hi - lo, a: g.a + 4 * lo * g.strideA, b: g.b + 4 * lo * g.strideB, c: g.c + 4 * lo * g.strideC, row0: 0, col0: 0 });
    }
    return parts;
  }
  // Each chunk packs its own copy of the operand it shares: a row split repacks op(B) (k × n) in
  // every chunk, a column split op(A) (m × k). So split the longer side of C, unless it is too
  // short to give every thread two tiles and the other side is not. (Rows only, as before, cost
  // the W1 layer-0 weight gradient, m 50 × n 784 × k 10,000, four copies of a 31 MB packed B.)
  if (aRows >= g.n ? rowsFit || !colsFit : rowsFit && !colsFit) {
    for (const [lo, hi] of ranges(g.m, chunks, tileRows)) {
      parts.push({ m: hi - lo, n: g.n, batch: g.batch, a: g.a + 4 * (g.transA ? lo : lo * g.lda), b: g.b, c: g.c + 4 * lo * g.ldc, row0: lo, col0: 0 });
    }
  } else {
    for (const [lo, hi] of ranges(g.n, chunks, tileCols)) {
      parts.push({ m: g.m, n: hi - lo, batch: g.batch, a: g.a, b: g.b + 4 * (g.transB ? lo * g.ldb : lo), c: g.c + 4 * lo, row0: 0, col0: lo });
    }
  }
  return parts;
}

/** Up to `parts` contiguous ranges covering [0, total), boundaries on multiples of `unit`. */
function ranges(total: number, parts: number, unit: number): Array<[number, number]> {
  const units = Math.ceil(total / unit);
  const out: Array<[number, number]> = [];
  let lo = 0;
  for (let p = 0; p < parts && lo < total; p++) {
    const hi = Math.min(total, Math.round((units * (p + 1)) / parts) * unit);
    if (hi > lo) out.push([lo, hi]);
    lo = Math.max(lo, hi);
  }
  return out;
}
