/**
 * How a resolved gemm maps onto shaders/gemm.wgsl: the pipeline variant (transposes, and which
 * matrices take vec4 loads/stores, the tile size) and the dispatches (tiles on x/y, batch on z, each
 * dimension split into chunks of at most maxComputeWorkgroupsPerDimension).
 */
import type { ResolvedGemm } from '../backend/validate.js';
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

const aligned = (ld: number, offset: number, stride: number, batch: number) =>
  ld % 4 === 0 && offset % 4 === 0 && (batch === 1 || stride % 4 === 0);

export function gemmDefines(g: ResolvedGemm): GemmDefines {
  return {
    TILE: gemmTile(g.m, g.n),
    TRANS_A: g.transA,
    TRANS_B: g.transB,
    // The contiguous dimension of each stored matrix is its row length.
    VEC_A: aligned(g.transA ? g.m : g.k, g.offsetA, g.strideA, g.batch),
    VEC_B: aligned(g.transB ? g.k : g.n, g.offsetB, g.strideB, g.batch),
    VEC_C: aligned(g.n, g.offsetC, g.strideC, g.batch),
  };
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

/** One sub-product: batch entries [b0, b0 + nb), rows [r0, r0 + rows) of op(A) and C. */
export interface GemmPiece {
  b0: number;
  nb: number;
  r0: number;
  rows: number;
}

/**
 * Splits a gemm so that each piece's ranges of A, B and C fit one storage binding of `bindElems`
 * elements (plus `align` slack, since binding offsets are rounded down): whole batch entries
 * while they fit, else slabs of op(A) and C rows (contiguous unless transA; a multiple of 4 rows, so
 * vec4 alignment holds). Every output
 * element is still computed by one invocation over the full k, so results do not change.
 */
export function gemmPieces(g: ResolvedGemm, bindElems: number, align: number): GemmPiece[] {
  const slack = align + 4;
  const lenA = g.m * g.k, lenB = g.k * g.n, lenC = g.m * g.n;
  const maxNb = (stride: number, len: number) =>
    len + slack > bindElems ? 0 : stride === 0 ? g.batch : Math.floor((bindElems - slack - len) / stride) + 1;
  const nb = Math.min(g.batch, maxNb(g.strideA, lenA), maxNb(g.strideB, lenB), maxNb(g.strideC, lenC));
  const pieces: GemmPiece[] = [];
  if (nb >= 1) {
    for (let b0 = 0; b0 < g.batch; b0 += nb) pieces.push({ b0, nb: Math.min(nb, g.batch - b0), r0: 0, rows: g.m });
    return pieces;
  }
  const limit = `${bindElems} elements (this device's maxStorageBufferBindingSize)`;
  if (lenB + slack > bindElems) throw new ArgumentError('b', `one matrix op(B) (k × n = ${lenB}) within ${limit}`, lenB);
  if (g.transA && lenA + slack > bindElems) throw new ArgumentError('a', `one matrix A within ${limit} when transA (its op(A) rows are not contiguous)`, lenA);
  const rows = Math.floor((bindElems - slack) / Math.max(g.transA ? 1 : g.k, g.n) / 4) * 4;
  if (rows < 4) throw new ArgumentError('c', `4 rows of A and C within ${limit}`, Math.max(g.k, g.n) * 4);
  for (let b0 = 0; b0 < g.batch; b0++) {
    for (let r0 = 0; r0 < g.m; r0 += rows) pieces.push({ b0, nb: 1, r0, rows: Math.min(rows, g.m - r0) });
  }
  return pieces;
}
