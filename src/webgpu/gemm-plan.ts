/**
 * How a resolved gemm maps onto shaders/gemm.wgsl: the pipeline variant (transposes, and which
 * matrices take vec4 loads/stores, the tile size) and the dispatches (tiles on x/y, batch on z, each
 * dimension split into chunks of at most maxComputeWorkgroupsPerDimension).
 */
import type { ResolvedGemm } from '../backend/validate.js';

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
