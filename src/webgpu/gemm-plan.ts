/**
 * How a resolved gemm maps onto shaders/gemm.wgsl: the pipeline variant (transposes, and which
 * matrices take vec4 loads/stores, the tile size) and the dispatches (tiles on x/y, batch on z, each
 * dimension split into chunks of at most maxComputeWorkgroupsPerDimension), after the product is
 * cut into pieces (batch entries, blocks of rows, columns and k) whose bindings fit
 * maxStorageBufferBindingSize.
 */
import type { ResolvedGemm } from '../backend/tensor-checks.js';
import { ArgumentError } from '../errors.js';

export type GemmTile = 16 | 32 | 64;

/**
 * Output tile side: 64 (256 invocations, 4×4 outputs each) when both dimensions fill most of
 * one, smaller tiles (64 or 16 invocations) for thin or tiny products so that little work is
 * wasted on padding and small batched products spread over more workgroups.
 */
export function gemmTile(m: number, n: number): GemmTile {
  const s = Math.min(m, n);
  return s >= 48 ? 64 : s >= 24 ? 32 : 16;
}

export interface GemmDefines {
  [name: string]: boolean | number;
  TILE: GemmTile;
  TRANS_A: boolean;
  TRANS_B: boolean;
  VEC_A: boolean;
  VEC_B: boolean;
  VEC_C: boolean;
}

export interface GemmChunk {
  tileX0: number;
  tileY0: number;
  batch0: number;
  x: number;
  y: number;
  z: number;
}

/** The pipeline variant of a gemm: its tile and transposes; the vec4 paths are chosen per piece. */
export function gemmDefines(g: Pick<ResolvedGemm, 'm' | 'n' | 'transA' | 'transB'>, vec: { a: boolean; b: boolean; c: boolean }): GemmDefines {
  return { TILE: gemmTile(g.m, g.n), TRANS_A: g.transA, TRANS_B: g.transB, VEC_A: vec.a, VEC_B: vec.b, VEC_C: vec.c };
}

export function gemmChunks(g: Pick<ResolvedGemm, 'm' | 'n' | 'batch'>, maxPerDim: number, tile: GemmTile = gemmTile(g.m, g.n)): GemmChunk[] {
  const tilesX = Math.ceil(g.n / tile);
  const tilesY = Math.ceil(g.m / tile);
  const chunks: GemmChunk[] = [];
  for (let b = 0; b < g.batch; b += maxPerDim) {
    for (let ty = 0; ty < tilesY; ty += maxPerDim) {
      for (let tx = 0; tx < tilesX; tx += maxPerDim) {
        chunks.push({
          tileX0: tx, tileY0: ty, batch0: b,
          x: Math.min(maxPerDim, tilesX - tx),
          y: Math.min(maxPerDim, tilesY - ty),
          z: Math.min(maxPerDim, g.batch - b),
        });
      }
    }
  }
  return chunks;
}

/** Workgroup grid for `threads` invocations of a 256-wide 1-D kernel laid out on x then y. */
export function grid1D(threads: number, maxPerDim: number, width = 256): [number, number] {
  const groups = Math.max(1, Math.ceil(threads / width));
  const x = Math.min(groups, maxPerDim);
  return [x, Math.ceil(groups / x)];
}

/**
 * One sub-product: batch entries [b0, b0 + nb), rows [r0, r0 + rows) of op(A) and C, columns
 * [c0, c0 + cols) of op(B) and C, and the reduction range [k0, k0 + kk) (the whole k unless one
 * block of op(A) or op(B) exceeds a binding).
 */
export interface GemmPiece {
  b0: number;
  nb: number;
  r0: number;
  rows: number;
  c0: number;
  cols: number;
  k0: number;
  kk: number;
}

/**
 * Where a piece lies in one stored matrix of the first batch entry it covers: its first element,
 * the leading dimension (elements between stored rows), the elements one entry's block spans, and
 * the length of its contiguous runs (the stored row segment it reads or writes).
 */
export interface GemmRegion {
  start: number;
  ld: number;
  span: number;
  run: number;
}

export function gemmRegions(g: ResolvedGemm, pc: GemmPiece): { a: GemmRegion; b: GemmRegion; c: GemmRegion } {
  const { r0, rows, c0, cols, k0, kk } = pc;
  return {
    // A stored k × m (transA) or m × k.
    a: g.transA
      ? { start: g.offsetA + g.strideA * pc.b0 + k0 * g.m + r0, ld: g.m, span: (kk - 1) * g.m + rows, run: rows }
      : { start: g.offsetA + g.strideA * pc.b0 + r0 * g.k + k0, ld: g.k, span: (rows - 1) * g.k + kk, run: kk },
    // B stored n × k (transB) or k × n.
    b: g.transB
      ? { start: g.offsetB + g.strideB * pc.b0 + c0 * g.k + k0, ld: g.k, span: (cols - 1) * g.k + kk, run: kk }
      : { start: g.offsetB + g.strideB * pc.b0 + k0 * g.n + c0, ld: g.n, span: (kk - 1) * g.n + cols, run: cols },
    c: { start: g.offsetC + g.strideC * pc.b0 + r0 * g.n + c0, ld: g.n, span: (rows - 1) * g.n + cols, run: cols },
  };
}

/**
 * Whether a region, bound so that its first element has index `offset` in the binding, may take
 * vec4 loads/stores: every run starts on a vec4 (offset, leading dimension and batch stride are
 * multiples of 4) and covers whole vec4s (the shader's vec4 paths never read or write a partial one).
 */
export function gemmVec4(r: GemmRegion, offset: number, stride: number, nb: number): boolean {
  return r.ld % 4 === 0 && offset % 4 === 0 && r.run % 4 === 0 && (nb === 1 || stride % 4 === 0);
}

/** Largest x ≤ full with fits(x): full itself, else a multiple of 4 (0 when not even 4 fits); fits is monotone. */
function largest(full: number, fits: (x: number) => boolean): number {
  if (fits(full)) return full;
  let lo = 0, hi = Math.ceil(full / 4) - 1; // fits(4·lo) (or lo = 0); 4·hi < full
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(4 * mid)) lo = mid;
    else hi = mid - 1;
  }
  return 4 * lo;
}

/**
 * Splits a gemm so that each piece's ranges of A, B and C fit one storage binding of `bindElems`
 * elements (plus `align` slack, since binding offsets are rounded down). Whole batch entries while
 * they fit; else, per entry, blocks of rows × columns × reduction (multiples of 4, so vec4 alignment
 * can hold), the reduction kept whole whenever a 4-row, 4-column block over all of k fits. Splits in
 * rows, columns and batch leave each output element to one invocation over the full k in the same
 * order, so results do not change; a split reduction accumulates its slabs into C (β = 1 after the
 * first), which changes the summation order and thus the rounding. Offsets do not affect the plan.
 */
export function gemmPieces(g: ResolvedGemm, bindElems: number, align: number): GemmPiece[] {
  const cap = bindElems - align - 4;
  const lenA = g.m * g.k, lenB = g.k * g.n, lenC = g.m * g.n;
  const maxNb = (stride: number, len: number) =>
    len > cap ? 0 : stride === 0 ? g.batch : Math.floor((cap - len) / stride) + 1;
  const nb = Math.min(g.batch, maxNb(g.strideA, lenA), maxNb(g.strideB, lenB), maxNb(g.strideC, lenC));
  const pieces: GemmPiece[] = [];
  if (nb >= 1) {
    for (let b0 = 0; b0 < g.batch; b0 += nb) pieces.push({ b0, nb: Math.min(nb, g.batch - b0), r0: 0, rows: g.m, c0: 0, cols: g.n, k0: 0, kk: g.k });
    return pieces;
  }
  const whole = { b0: 0, nb: 1, r0: 0, c0: 0, k0: 0 };
  const span = (rows: number, cols: number, kk: number) => {
    const r = gemmRegions(g, { ...whole, rows, cols, kk });
    return Math.max(r.a.span, r.b.span, r.c.span);
  };
  const r4 = Math.min(4, g.m), c4 = Math.min(4, g.n);
  const kk = largest(g.k, (x) => span(r4, c4, x) <= cap);
  const cols = kk && largest(g.n, (x) => span(r4, x, kk) <= cap);
  const rows = cols && largest(g.m, (x) => span(x, cols, kk) <= cap);
  if (!rows) {
    const r = gemmRegions(g, { ...whole, rows: r4, cols: c4, kk: Math.min(4, g.k) });
    const [name, worst] = ([['a', r.a.span], ['b', r.b.span], ['c', r.c.span]] as const).reduce((x, y) => (y[1] > x[1] ? y : x));
    throw new ArgumentError(
      name,
      `a 4 × 4 block (4 deep in k) of each matrix to fit one storage binding of ${cap} elements (this device's maxStorageBufferBindingSize, less alignment slack); ` +
        `the smallest block of ${name} spans ${worst} stored elements, so this gemm cannot be split further`,
      worst,
    );
  }
  for (let b0 = 0; b0 < g.batch; b0++) {
    for (let k0 = 0; k0 < g.k; k0 += kk) {
      for (let r0 = 0; r0 < g.m; r0 += rows) {
        for (let c0 = 0; c0 < g.n; c0 += cols) {
          pieces.push({ b0, nb: 1, r0, rows: Math.min(rows, g.m - r0), c0, cols: Math.min(cols, g.n - c0), k0, kk: Math.min(kk, g.k - k0) });
        }
      }
    }
  }
  return pieces;
}

/**
 * Split-K for parallelism. A piece with few output tiles and a long reduction (a weight gradient:
 * 50 × 50 outputs summed over 10,000 samples is one workgroup walking all of k) leaves a GPU
 * almost idle. It runs instead as `count` slabs of `depth` (a multiple of 4) side by side, the
 * slab index on the dispatch's batch dimension, plus one slab of the remainder `rem`; each writes
 * its partial product to scratch, and one more gemm sums them: C = α·(1 … 1)·T + β·C. The plan
 * depends on the piece's shape alone, so every device computes the same sums (a binding smaller
 * than the scratch only lowers `count`). The summation order changes, within γ_{depth + count + 1}.
 */
export const SPLIT_K = { belowGroups: 128, minSlab: 256, targetGroups: 512, maxSlabs: 255 } as const;

export interface GemmSlabs {
  count: number;
  depth: number;
  rem: number;
  /** Partial products: count, plus 1 when rem > 0. */
  total: number;
}

/**
 * The slabs of one batch entry of a piece, or null to run it whole: when the piece already has
 * enough tiles, its k is short, its C rows are not contiguous (a block of columns: the reduction
 * gemm writes C as one row), or not even two slabs of scratch fit `bindElems`.
 */
export function gemmSlabs(pc: Pick<GemmPiece, 'rows' | 'cols' | 'kk'>, tile: GemmTile, contiguousC: boolean, bindElems: number): GemmSlabs | null {
  const groups = Math.ceil(pc.rows / tile) * Math.ceil(pc.cols / tile);
  if (!contiguousC || groups >= SPLIT_K.belowGroups || pc.kk < 2 * SPLIT_K.minSlab) return null;
  const per = pc.rows * pc.cols;
  const count = Math.min(Math.floor(pc.kk / SPLIT_K.minSlab), Math.ceil(SPLIT_K.targetGroups / groups), SPLIT_K.maxSlabs, Math.floor(bindElems / per) - 1);
  if (count < 2) return null;
  const depth = 4 * Math.floor(pc.kk / (4 * count));
  const rem = pc.kk - count * depth;
  return { count, depth, rem, total: count + (rem > 0 ? 1 : 0) };
}
