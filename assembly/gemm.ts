/**
 * gemm: C[b] = alpha · op(A[b]) · op(B[b]) + beta · C[b], row-major, f32 (shaders/gemm.wgsl is the
 * WebGPU twin).
 *
 * Arguments are byte pointers into linear memory plus element leading dimensions, so the JS side
 * can hand each thread a sub-block (a range of rows or columns of C, or of batch entries):
 *   op(A)(i, p) = transA ? A[p·lda + i] : A[i·lda + p]      (i < m, p < k)
 *   op(B)(p, j) = transB ? B[j·ldb + p] : B[p·ldb + j]      (p < k, j < n)
 *   C(i, j)     = C[i·ldc + j]
 * Batch entry t starts strideA/strideB/strideC elements after entry t-1 (0 broadcasts; a
 * broadcast B is packed once per block for all entries, and each block of a broadcast A meets the
 * B blocks of many entries while it is in cache).
 *
 * Algorithm (the classic BLIS/GotoBLAS structure):
 *   for each column block of C (nc ≤ NC):
 *     for each k block (kc ≤ KC, blocks balanced so none is tiny):
 *       pack op(B)[kc × nc] into column panels NR wide (zero-padded)       → L2/L3
 *       for each row block (mc ≤ MC):
 *         pack op(A)[mc × kc] into row panels MR high (zero-padded)          → L2
 *         for each NR-wide panel of B, for each MR-high panel of A:
 *           register-blocked micro-kernel: MR × NR accumulators over kc      → registers/L1
 * The first k block applies beta (beta = 0 writes alpha·AB and never reads C, so NaN/garbage in C
 * cannot propagate); later k blocks accumulate. Edge tiles are computed full-size on the
 * zero-padded panels, stored to a small tile buffer and copied into C's valid part.
 *
 * Micro-kernel: SIMD builds use 4 × 8 (8 f32x4 accumulators, two B vectors, one broadcast A value
 * and a product temporary: V8's register allocator keeps all of them in the 16 x86-64 vector
 * registers; 5 × 8, 6 × 8, 8 × 8, 3 × 16, 4 × 12 and k-unrolled forms measured slower, from
 * spills). Edge panels at most 4 wide use a 4 × 4 kernel (over the list, too, where one is taken). Relaxed-SIMD builds use
 * f32x4.relaxed_madd (a fused multiply-add where the hardware has one). Scalar builds use 4 × 4
 * (MR = NR = 4). Packing transposes 4 × 4 blocks in registers where a panel's rows are strided.
 *
 * Zero steps (SIMD builds): a k step whose packed values are all zero in an A panel (MR values) or
 * in a B panel (NR values) contributes only zeros to the tile. After packing, each panel's nonzero
 * k steps are listed (ascending), and a tile runs over the sparser side's list when it skips at
 * least a quarter of kc (data such as images, 19 % nonzero for the embedded digits, 61 % of a
 * panel's steps zero; ReLU activations), else the dense kernel. The sums keep their order, and a
 * skipped step would have added 0·b = ±0 to an accumulator that starts at +0 and so is never −0:
 * for finite operands the result is bit-identical to the dense one. (An Inf or NaN facing only
 * zeros is not propagated, where the dense sum would give NaN.)
 *
 * Scratch (handed in by JS, gemmScratchBytes() bytes, 64-byte aligned): packed B | packed A | tile |
 * B lists | A lists (per panel: a count, then up to KC step indices as bytes, kc ≤ KC = 256).
 */

// @ts-ignore: decorator
@inline const MR: i32 = 4;
// @ts-ignore: decorator
@inline const NR: i32 = ASC_FEATURE_SIMD ? 8 : 4;
// @ts-ignore: decorator
@inline const KC: i32 = 256;
// @ts-ignore: decorator
@inline const MC: i32 = 144;
// @ts-ignore: decorator
@inline const NC: i32 = 2048;

// @ts-ignore: decorator
@inline const BP_BYTES: usize = <usize>(KC * NC) << 2;
// @ts-ignore: decorator
@inline const AP_BYTES: usize = <usize>(KC * MC) << 2;
// @ts-ignore: decorator
@inline const TILE_BYTES: usize = 256;
/** One panel's list: an i32 count, then KC byte indices. */
// @ts-ignore: decorator
@inline const LIST_BYTES: usize = <usize>KC + 4;
// @ts-ignore: decorator
@inline const BL_BYTES: usize = <usize>(NC / NR) * LIST_BYTES;
// @ts-ignore: decorator
@inline const AL_BYTES: usize = <usize>(MC / MR) * LIST_BYTES;

/** Bytes of scratch one gemm call (one thread) needs. */
export function gemmScratchBytes(): i32 {
  return <i32>(BP_BYTES + AP_BYTES + TILE_BYTES + BL_BYTES + AL_BYTES);
}

/** Micro-kernel tile height and width, and the cache block sizes, for the JS thread split. */
export function gemmTileRows(): i32 {
  return MR;
}
export function gemmTileCols(): i32 {
  return NR;
}

// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    return f32x4.relaxed_madd(a, b, c);
  } else {
    return f32x4.add(f32x4.mul(a, b), c);
  }
}

// @ts-ignore: decorator
@inline function ceilDiv(a: i32, b: i32): i32 {
  return (a + b - 1) / b;
}

/** Block size ≤ max, balanced over the blocks and rounded up to a multiple of unit. */
// @ts-ignore: decorator
@inline function balanced(total: i32, max: i32, unit: i32): i32 {
  const blocks = ceilDiv(total, max);
  const per = ceilDiv(total, blocks);
  return ceilDiv(per, unit) * unit;
}

export function gemm(
  m: i32, n: i32, k: i32,
  a: usize, lda: i32, transA: i32,
  b: usize, ldb: i32, transB: i32,
  c: usize, ldc: i32,
  alpha: f32, beta: f32,
  batch: i32, strideA: i32, strideB: i32, strideC: i32,
  scratch: usize, packA: usize, packB: usize,
): void {
  // A prepacked operand (gemmPack) serves every entry only where the entries share it.
  const pa = strideA == 0 || batch == 1 ? packA : 0;
  const pb = strideB == 0 || batch == 1 ? packB : 0;
  // A matrix-vector product (Lanczos' reorthogonalisation, k up to D): no packing.
  if (ASC_FEATURE_SIMD && n == 1) {
    for (let t = 0; t < batch; t++) {
      gemv(
        m, k,
        a + (<usize>t * <usize>strideA << 2), lda, transA != 0,
        b + (<usize>t * <usize>strideB << 2), transB != 0 ? 4 : <usize>ldb << 2,
        c + (<usize>t * <usize>strideC << 2), <usize>ldc << 2, alpha, beta,
      );
    }
    return;
  }
  // A row vector times a matrix (bias gradients 1ᵀ·δ, over every sample): C(0, :)ᵀ = op(B)ᵀ·op(A)(0, :)ᵀ,
  // the product above with the roles swapped. The packed path would pad the one row of A to MR
  // and compute four; per element both add a·b in k order within the same k blocks from +0 and
  // store alpha·acc (+ bt·C) alike, so the bits are the same (a·b = b·a).
  if (ASC_FEATURE_SIMD && m == 1) {
    for (let t = 0; t < batch; t++) {
      gemv(
        n, k,
        b + (<usize>t * <usize>strideB << 2), ldb, transB == 0,
        a + (<usize>t * <usize>strideA << 2), transA != 0 ? <usize>lda << 2 : 4,
        c + (<usize>t * <usize>strideC << 2), 4, alpha, beta,
      );
    }
    return;
  }
  // One B for every entry (weights broadcast over masks or paths, or the data x under a batch of
  // weight gradients): pack each block of it once for all entries. Every C entry still sees the
  // same k blocks in the same order, so the results are those of entry-by-entry calls. Only where
  // the C entries do not overlap (a shared C would be accumulated in another order).
  if (strideB == 0 && batch > 1 && strideC >= (m - 1) * ldc + n) {
    gemmBatch(m, n, k, a, lda, transA != 0, b, ldb, transB != 0, c, ldc, alpha, beta, batch, strideA, strideC, scratch, pa, pb);
    return;
  }
  // One A for every entry (the data x under several weight matrices: a lone HVP's forward and
  // R-forward products, SME paths' forward passes): gemmSharedA.
  if (ASC_FEATURE_SIMD && strideA == 0 && batch > 1 && n <= NC && strideC >= (m - 1) * ldc + n) {
    gemmSharedA(m, n, k, a, lda, transA != 0, b, ldb, transB != 0, c, ldc, alpha, beta, batch, strideB, strideC, scratch, pa);
    return;
  }
  for (let t = 0; t < batch; t++) {
    gemmBatch(
      m, n, k,
      a + (<usize>t * <usize>strideA << 2), lda, transA != 0,
      b + (<usize>t * <usize>strideB << 2), ldb, transB != 0,
      c + (<usize>t * <usize>strideC << 2), ldc,
      alpha, beta, 1, 0, 0, scratch, pa, pb,
    );
  }
}

/**
 * C[t] = alpha·op(A[t])·op(B) + beta·C[t] for t < batch, with one B (packed once per block).
 * packA, packB: 0, or the operand's panels prepacked by gemmPack (from this call's first row of
 * op(A), or first column of op(B)), read in place instead of packed and listed per block.
 */
function gemmBatch(
  m: i32, n: i32, k: i32,
  a: usize, lda: i32, transA: bool,
  b: usize, ldb: i32, transB: bool,
  c: usize, ldc: i32,
  alpha: f32, beta: f32, batch: i32, strideA: i32, strideC: i32, scratch: usize,
  packA: usize, packB: usize,
): void {
  const bp = scratch;
  const ap = scratch + BP_BYTES;
  const tile = ap + AP_BYTES;
  const bl = tile + TILE_BYTES;
  const al = bl + BL_BYTES;
  const kcb = balanced(k, KC, 1);
  const ncb = balanced(n, NC, NR);
  const mcb = balanced(m, MC, MR);
  const aPanel = panelBytes(MR, k), bPanel = panelBytes(NR, k);
  for (let jc = 0; jc < n; jc += ncb) {
    const nc = min(ncb, n - jc);
    for (let pc = 0; pc < k; pc += kcb) {
      const kc = min(kcb, k - pc);
      const bt: f32 = pc == 0 ? beta : 1;
      // Where op(B)'s block and its lists are, and the bytes from one panel (or list) to the next.
      if (!packB) packBBlock(b, ldb, transB, pc, jc, kc, nc, bp, bl);
      const bData = packB ? packedData(packB, bPanel, NR, jc, pc) : bp;
      const bList = packB ? packedLists(packB, bPanel, NR, jc, k, pc, kcb) : bl;
      const bStep = packB ? bPanel : <usize>(kc * NR) << 2, blStep = packB ? bPanel : LIST_BYTES;
      for (let t = 0; t < batch; t++) {
        const at = a + (<usize>t * <usize>strideA << 2), ct = c + (<usize>t * <usize>strideC << 2);
        for (let ic = 0; ic < m; ic += mcb) {
          const mc = min(mcb, m - ic);
          if (!packA) packABlock(at, lda, transA, ic, pc, mc, kc, ap, al);
          macro(
            mc, nc, kc,
            packA ? packedData(packA, aPanel, MR, ic, pc) : ap, packA ? aPanel : <usize>(kc * MR) << 2,
            bData, bStep, ct + ((<usize>ic * <usize>ldc + <usize>jc) << 2), ldc, alpha, bt, tile,
            packA ? packedLists(packA, aPanel, MR, ic, k, pc, kcb) : al, packA ? aPanel : LIST_BYTES, bList, blStep,
          );
        }
      }
    }
  }
}

/**
 * C[t] = alpha·op(A)·op(B[t]) + beta·C[t] for t < batch, with one A (SIMD builds; n ≤ NC): each
 * block of op(A) is packed (or found prepacked) once and meets the blocks of B of up to NC/n
 * entries while it is in cache, where entry-by-entry calls would stream A once per entry. Per
 * entry the blocks, kernels and order are gemmBatch's, so are the results.
 */
function gemmSharedA(
  m: i32, n: i32, k: i32,
  a: usize, lda: i32, transA: bool,
  b: usize, ldb: i32, transB: bool,
  c: usize, ldc: i32,
  alpha: f32, beta: f32, batch: i32, strideB: i32, strideC: i32, scratch: usize, packA: usize,
): void {
  const bp = scratch;
  const ap = scratch + BP_BYTES;
  const tile = ap + AP_BYTES;
  const bl = tile + TILE_BYTES;
  const al = bl + BL_BYTES;
  const kcb = balanced(k, KC, 1);
  const mcb = balanced(m, MC, MR);
  const aPanel = panelBytes(MR, k);
  const panels = ceilDiv(n, NR);
  const group = NC / NR / panels;
  for (let t0 = 0; t0 < batch; t0 += group) {
    const entries = min(group, batch - t0);
    for (let pc = 0; pc < k; pc += kcb) {
      const kc = min(kcb, k - pc);
      const bt: f32 = pc == 0 ? beta : 1;
      // Entry t's block of B and its lists, one after another.
      const bBytes = <usize>(panels * kc * NR) << 2, lBytes = <usize>panels * LIST_BYTES;
      for (let t = 0; t < entries; t++) {
        packBBlock(b + (<usize>(t0 + t) * <usize>strideB << 2), ldb, transB, pc, 0, kc, n, bp + <usize>t * bBytes, bl + <usize>t * lBytes);
      }
      for (let ic = 0; ic < m; ic += mcb) {
        const mc = min(mcb, m - ic);
        if (!packA) packABlock(a, lda, transA, ic, pc, mc, kc, ap, al);
        const aData = packA ? packedData(packA, aPanel, MR, ic, pc) : ap;
        const aList = packA ? packedLists(packA, aPanel, MR, ic, k, pc, kcb) : al;
        const aStep = packA ? aPanel : <usize>(kc * MR) << 2, alStep = packA ? aPanel : LIST_BYTES;
        for (let t = 0; t < entries; t++) {
          const ct = c + ((<usize>(t0 + t) * <usize>strideC + <usize>ic * <usize>ldc) << 2);
          macro(mc, n, kc, aData, aStep, bp + <usize>t * bBytes, <usize>(kc * NR) << 2, ct, ldc, alpha, bt, tile, aList, alStep, bl + <usize>t * lBytes, LIST_BYTES);
        }
      }
    }
  }
}

/** Packs block (rows ic…, steps pc…) of op(A) into ap, and lists its panels' nonzero steps at al. */
// @ts-ignore: decorator
@inline function packABlock(a: usize, lda: i32, transA: bool, ic: i32, pc: i32, mc: i32, kc: i32, ap: usize, al: usize): void {
  if (transA) packAT(a, lda, ic, pc, mc, kc, ap);
  else packAN(a, lda, ic, pc, mc, kc, ap);
  if (ASC_FEATURE_SIMD) listNonzero(ap, kc, mc, MR, al);
}

/** Packs block (steps pc…, columns jc…) of op(B) into bp, and lists its panels' nonzero steps at bl. */
// @ts-ignore: decorator
@inline function packBBlock(b: usize, ldb: i32, transB: bool, pc: i32, jc: i32, kc: i32, nc: i32, bp: usize, bl: usize): void {
  if (transB) packBT(b, ldb, pc, jc, kc, nc, bp);
  else packBN(b, ldb, pc, jc, kc, nc, bp);
  if (ASC_FEATURE_SIMD) listNonzero(bp, kc, nc, NR, bl);
}

/** In an operand prepacked by gemmPack: the first byte of the block of panels from row (or column) i0, steps from pc. */
// @ts-ignore: decorator
@inline function packedData(pack: usize, panel: usize, width: i32, i0: i32, pc: i32): usize {
  return pack + <usize>(i0 / width) * panel + (<usize>(pc * width) << 2);
}

/** … and the list of that block's first panel (the next panel's is `panel` bytes on). */
// @ts-ignore: decorator
@inline function packedLists(pack: usize, panel: usize, width: i32, i0: i32, k: i32, pc: i32, kcb: i32): usize {
  return pack + <usize>(i0 / width) * panel + (<usize>(k * width) << 2) + <usize>(pc / kcb) * LIST_BYTES;
}

/**
 * Bytes of one prepacked panel `width` wide over k steps: its values (step by step, as the
 * per-block packing lays them out, so block pc starts pc·width values in), then, in SIMD builds,
 * one list of nonzero steps per k block; 64-byte aligned.
 */
// @ts-ignore: decorator
@inline function panelBytes(width: i32, k: i32): usize {
  let bytes = <usize>(k * width) << 2;
  if (ASC_FEATURE_SIMD) bytes += <usize>ceilDiv(k, balanced(k, KC, 1)) * LIST_BYTES;
  return (bytes + 63) & ~(<usize>63);
}

/** Bytes of one panel gemmPack writes: role 0 packs op(A) (panels of MR rows), 1 op(B) (NR columns). */
export function gemmPackPanelBytes(role: i32, k: i32): i32 {
  return <i32>panelBytes(role == 0 ? MR : NR, k);
}

/**
 * Packs a whole operand once, for an operand that does not change (the data x): role 0, op(A)
 * (rows × k, A stored as gemm's a/lda/transA); role 1, op(B) (k × rows, as b/ldb/transB), in
 * panels of gemmPackPanelBytes each, with the nonzero-step lists of every k block. gemm then
 * reads these panels (its packA/packB) where it would pack and list the same values per block.
 */
export function gemmPack(role: i32, src: usize, ld: i32, trans: i32, rows: i32, k: i32, dst: usize): void {
  const width = role == 0 ? MR : NR;
  const stride = panelBytes(width, k);
  const kcb = balanced(k, KC, 1);
  for (let i0 = 0; i0 < rows; i0 += width) {
    const w = min(width, rows - i0);
    const d = dst + <usize>(i0 / width) * stride;
    if (role == 0) {
      if (trans) packAT(src, ld, i0, 0, w, k, d);
      else packAN(src, ld, i0, 0, w, k, d);
    } else {
      if (trans) packBT(src, ld, 0, i0, k, w, d);
      else packBN(src, ld, 0, i0, k, w, d);
    }
    if (ASC_FEATURE_SIMD) {
      const lists = d + (<usize>(k * width) << 2);
      for (let pc = 0; pc < k; pc += kcb) {
        listNonzero(d + (<usize>(pc * width) << 2), min(kcb, k - pc), width, width, lists + <usize>(pc / kcb) * LIST_BYTES);
      }
    }
  }
}

/**
 * C(:, 0) = alpha·op(A)·op(B)(:, 0) + beta·C(:, 0) for n = 1, without packing, with the arithmetic
 * of the packed path to the bit: there a single column is an edge panel, computed by
 * kernelSimdHalf (per row, in k order within each k block, c ← madd(a, x, c) from 0) and combined
 * as v = alpha·c, C ← bt = 0 ? v : v + bt·C per block (bt = beta for the first block, then 1).
 * Here four rows ride in the lanes of one accumulator with the same madd per element.
 * `bStep`, `cStep`: bytes between consecutive elements of op(B)'s column and of C's column.
 */
function gemv(
  m: i32, k: i32, a: usize, lda: i32, transA: bool, b: usize, bStep: usize, c: usize, cStep: usize, alpha: f32, beta: f32,
): void {
  const kcb = balanced(k, KC, 1);
  const ldab = <usize>lda << 2;
  for (let pc = 0; pc < k; pc += kcb) {
    const kc = min(kcb, k - pc);
    const bt: f32 = pc == 0 ? beta : 1;
    const b0 = b + <usize>pc * bStep;
    let i = 0;
    if (transA) {
      // op(A)(i, p) = A[p·lda + i]: sixteen rows a pass where they fit, so the strided walk down
      // A's rows and along op(B) is made once per 16 outputs instead of once per 4.
      for (; i + 16 <= m; i += 16) {
        let acc0 = f32x4.splat(0), acc1 = f32x4.splat(0), acc2 = f32x4.splat(0), acc3 = f32x4.splat(0);
        let pa = a + (<usize>pc * ldab) + (<usize>i << 2);
        let pb = b0;
        for (let p = 0; p < kc; p++) {
          const x = v128.load32_splat(pb);
          acc0 = madd(v128.load(pa), x, acc0);
          acc1 = madd(v128.load(pa, 16), x, acc1);
          acc2 = madd(v128.load(pa, 32), x, acc2);
          acc3 = madd(v128.load(pa, 48), x, acc3);
          pa += ldab;
          pb += bStep;
        }
        const ci = c + <usize>i * cStep;
        gemvOut4(ci, cStep, acc0, alpha, bt);
        gemvOut4(ci + 4 * cStep, cStep, acc1, alpha, bt);
        gemvOut4(ci + 8 * cStep, cStep, acc2, alpha, bt);
        gemvOut4(ci + 12 * cStep, cStep, acc3, alpha, bt);
      }
    }
    for (; i + 4 <= m; i += 4) {
      let acc = f32x4.splat(0);
      let pb = b0;
      if (transA) {
        // op(A)(i, p) = A[p·lda + i]: the four rows' values of one k step are contiguous.
        let pa = a + (<usize>pc * ldab) + (<usize>i << 2);
        for (let p = 0; p < kc; p++) {
          acc = madd(v128.load(pa), v128.load32_splat(pb), acc);
          pa += ldab;
          pb += bStep;
        }
      } else {
        // op(A) = A: four rows, 4 k steps at a time, transposed in registers.
        const r0 = a + <usize>i * ldab + (<usize>pc << 2);
        let p = 0;
        for (; p + 4 <= kc; p += 4) {
          const o = <usize>p << 2;
          const x0 = v128.load(r0 + o), x1 = v128.load(r0 + ldab + o), x2 = v128.load(r0 + 2 * ldab + o), x3 = v128.load(r0 + 3 * ldab + o);
          const t0 = i32x4.shuffle(x0, x1, 0, 4, 1, 5), t1 = i32x4.shuffle(x2, x3, 0, 4, 1, 5);
          const t2 = i32x4.shuffle(x0, x1, 2, 6, 3, 7), t3 = i32x4.shuffle(x2, x3, 2, 6, 3, 7);
          acc = madd(i32x4.shuffle(t0, t1, 0, 1, 4, 5), v128.load32_splat(pb), acc);
          acc = madd(i32x4.shuffle(t0, t1, 2, 3, 6, 7), v128.load32_splat(pb + bStep), acc);
          acc = madd(i32x4.shuffle(t2, t3, 0, 1, 4, 5), v128.load32_splat(pb + 2 * bStep), acc);
          acc = madd(i32x4.shuffle(t2, t3, 2, 3, 6, 7), v128.load32_splat(pb + 3 * bStep), acc);
          pb += 4 * bStep;
        }
        for (; p < kc; p++) {
          const o = <usize>p << 2;
          let col = f32x4.splat(load<f32>(r0 + o));
          col = f32x4.replace_lane(col, 1, load<f32>(r0 + ldab + o));
          col = f32x4.replace_lane(col, 2, load<f32>(r0 + 2 * ldab + o));
          col = f32x4.replace_lane(col, 3, load<f32>(r0 + 3 * ldab + o));
          acc = madd(col, v128.load32_splat(pb), acc);
          pb += bStep;
        }
      }
      gemvOut4(c + <usize>i * cStep, cStep, acc, alpha, bt);
    }
    // The last rows one at a time (lane 0 of the same madd).
    for (; i < m; i++) {
      let acc = f32x4.splat(0);
      let pb = b0;
      let pa = transA ? a + (<usize>pc * ldab) + (<usize>i << 2) : a + <usize>i * ldab + (<usize>pc << 2);
      const aStep: usize = transA ? ldab : 4;
      for (let p = 0; p < kc; p++) {
        acc = madd(v128.load32_splat(pa), v128.load32_splat(pb), acc);
        pa += aStep;
        pb += bStep;
      }
      gemvOut(c + <usize>i * cStep, f32x4.extract_lane(acc, 0), alpha, bt);
    }
  }
}

// @ts-ignore: decorator
@inline function gemvOut(p: usize, acc: f32, alpha: f32, beta: f32): void {
  const v = alpha * acc;
  store<f32>(p, beta == 0 ? v : v + beta * load<f32>(p));
}

/** gemvOut for four consecutive rows, whose sums ride in the lanes of `acc`. */
// @ts-ignore: decorator
@inline function gemvOut4(p: usize, step: usize, acc: v128, alpha: f32, beta: f32): void {
  gemvOut(p, f32x4.extract_lane(acc, 0), alpha, beta);
  gemvOut(p + step, f32x4.extract_lane(acc, 1), alpha, beta);
  gemvOut(p + 2 * step, f32x4.extract_lane(acc, 2), alpha, beta);
  gemvOut(p + 3 * step, f32x4.extract_lane(acc, 3), alpha, beta);
}

/** op(B) = B (k × n, row-major): rows of a panel are contiguous in B. */
function packBN(b: usize, ldb: i32, pc: i32, jc: i32, kc: i32, nc: i32, dst: usize): void {
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const nr = min(NR, nc - j0);
    let d = dst + (<usize>(j0 * kc) << 2);
    let s = b + ((<usize>pc * <usize>ldb + <usize>(jc + j0)) << 2);
    const step = <usize>ldb << 2;
    if (nr == NR) {
      for (let p = 0; p < kc; p++) {
        if (ASC_FEATURE_SIMD) {
          v128.store(d, v128.load(s));
          v128.store(d, v128.load(s, 16), 16);
        } else {
          store<f32>(d, load<f32>(s));
          store<f32>(d, load<f32>(s, 4), 4);
          store<f32>(d, load<f32>(s, 8), 8);
          store<f32>(d, load<f32>(s, 12), 12);
        }
        d += <usize>NR << 2;
        s += step;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        let q = 0;
        for (; q < nr; q++) store<f32>(d + (<usize>q << 2), load<f32>(s + (<usize>q << 2)));
        for (; q < NR; q++) store<f32>(d + (<usize>q << 2), 0);
        d += <usize>NR << 2;
        s += step;
      }
    }
  }
}

/** op(B) = Bᵀ with B stored n × k: each column of a panel is contiguous in B. */
function packBT(b: usize, ldb: i32, pc: i32, jc: i32, kc: i32, nc: i32, dst: usize): void {
  const ldbb = <usize>ldb << 2;
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const nr = min(NR, nc - j0);
    const d0 = dst + (<usize>(j0 * kc) << 2);
    const s0 = b + ((<usize>(jc + j0) * <usize>ldb + <usize>pc) << 2);
    let p = 0;
    if (ASC_FEATURE_SIMD) {
      if (nr == NR) {
        // NR = 8: two 4 × 4 transposes per 4 k steps.
        for (; p + 4 <= kc; p += 4) {
          const s = s0 + (<usize>p << 2);
          const d = d0 + (<usize>p << 5);
          transpose4(d, 32, v128.load(s), v128.load(s + ldbb), v128.load(s + 2 * ldbb), v128.load(s + 3 * ldbb));
          const s4 = s + 4 * ldbb;
          transpose4(d + 16, 32, v128.load(s4), v128.load(s4 + ldbb), v128.load(s4 + 2 * ldbb), v128.load(s4 + 3 * ldbb));
        }
      }
    }
    for (let q = 0; q < NR; q++) {
      let d = d0 + (<usize>(p * NR + q) << 2);
      if (q < nr) {
        let s = s0 + <usize>q * ldbb + (<usize>p << 2);
        for (let r = p; r < kc; r++) {
          store<f32>(d, load<f32>(s));
          d += <usize>NR << 2;
          s += 4;
        }
      } else {
        for (let r = p; r < kc; r++) {
          store<f32>(d, 0);
          d += <usize>NR << 2;
        }
      }
    }
  }
}

/** op(A) = A (m × k): each row of a panel is contiguous in A; 4 × 4 blocks are transposed in registers. */
function packAN(a: usize, lda: i32, ic: i32, pc: i32, mc: i32, kc: i32, dst: usize): void {
  const ldab = <usize>lda << 2;
  for (let i0 = 0; i0 < mc; i0 += MR) {
    const mr = min(MR, mc - i0);
    const d0 = dst + (<usize>(i0 * kc) << 2);
    const s0 = a + ((<usize>(ic + i0) * <usize>lda + <usize>pc) << 2);
    let p = 0;
    if (ASC_FEATURE_SIMD) {
      if (mr == MR) {
        for (; p + 4 <= kc; p += 4) {
          const s = s0 + (<usize>p << 2);
          transpose4(d0 + (<usize>p << 4), 16, v128.load(s), v128.load(s + ldab), v128.load(s + 2 * ldab), v128.load(s + 3 * ldab));
        }
      }
    }
    for (let r = 0; r < MR; r++) {
      let d = d0 + (<usize>(p * MR + r) << 2);
      if (r < mr) {
        let s = s0 + <usize>r * ldab + (<usize>p << 2);
        for (let q = p; q < kc; q++) {
          store<f32>(d, load<f32>(s));
          d += <usize>MR << 2;
          s += 4;
        }
      } else {
        for (let q = p; q < kc; q++) {
          store<f32>(d, 0);
          d += <usize>MR << 2;
        }
      }
    }
  }
}

/**
 * Transposes the 4 × 4 block with rows r0..r3 and stores its columns at d, d + step, d + 2·step,
 * d + 3·step (each column = one v128).
 */
// @ts-ignore: decorator
@inline function transpose4(d: usize, step: usize, r0: v128, r1: v128, r2: v128, r3: v128): void {
  const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5);
  const t1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(d, i32x4.shuffle(t0, t1, 0, 1, 4, 5));
  v128.store(d + step, i32x4.shuffle(t0, t1, 2, 3, 6, 7));
  v128.store(d + 2 * step, i32x4.shuffle(t2, t3, 0, 1, 4, 5));
  v128.store(d + 3 * step, i32x4.shuffle(t2, t3, 2, 3, 6, 7));
}

/** op(A) = Aᵀ with A stored k × m: the MR values of one k step are contiguous in A. */
function packAT(a: usize, lda: i32, ic: i32, pc: i32, mc: i32, kc: i32, dst: usize): void {
  const step = <usize>lda << 2;
  for (let i0 = 0; i0 < mc; i0 += MR) {
    const mr = min(MR, mc - i0);
    let d = dst + (<usize>(i0 * kc) << 2);
    let s = a + ((<usize>pc * <usize>lda + <usize>(ic + i0)) << 2);
    if (ASC_FEATURE_SIMD && mr == MR) {
      for (let p = 0; p < kc; p++) {
        v128.store(d, v128.load(s));
        d += <usize>MR << 2;
        s += step;
      }
      continue;
    }
    for (let p = 0; p < kc; p++) {
      let r = 0;
      for (; r < mr; r++) store<f32>(d + (<usize>r << 2), load<f32>(s + (<usize>r << 2)));
      for (; r < MR; r++) store<f32>(d + (<usize>r << 2), 0);
      d += <usize>MR << 2;
      s += step;
    }
  }
}

/**
 * The nonzero k steps of each `width`-wide panel of a packed block (kc steps of `width` floats per
 * panel, panels one after another): at lists + panel·LIST_BYTES, an i32 count, then the steps as
 * bytes. A value is nonzero when it compares unequal to 0 (NaN counts, −0 does not).
 */
function listNonzero(packed: usize, kc: i32, total: i32, width: i32, lists: usize): void {
  const zero = f32x4.splat(0);
  const panelBytes = <usize>(kc * width) << 2;
  const stepBytes = <usize>width << 2;
  let src = packed, list = lists;
  for (let j0 = 0; j0 < total; j0 += width) {
    let count = 0;
    let q = src;
    for (let p = 0; p < kc; p++) {
      let nz = f32x4.ne(v128.load(q), zero);
      if (width == 8) nz = v128.or(nz, f32x4.ne(v128.load(q, 16), zero));
      if (v128.any_true(nz)) {
        store<u8>(list + 4 + <usize>count, <u8>p);
        count++;
      }
      q += stepBytes;
    }
    store<i32>(list, count);
    src += panelBytes;
    list += LIST_BYTES;
  }
}

/**
 * The tiles of one block: A panels from ap, aStep bytes apart (lists from al, alStep apart), B
 * panels from bp, bStep apart (lists from bl, blStep apart).
 */
function macro(
  mc: i32, nc: i32, kc: i32, ap: usize, aStep: usize, bp: usize, bStep: usize, c: usize, ldc: i32, alpha: f32, beta: f32, tile: usize,
  al: usize, alStep: usize, bl: usize, blStep: usize,
): void {
  const ldcb = <usize>ldc << 2;
  // A tile runs over a list only when it skips at least a quarter of the steps.
  const sparse = kc - (kc >> 2);
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const nr = min(NR, nc - j0);
    const pb = bp + <usize>(j0 / NR) * bStep;
    const bList = bl + <usize>(j0 / NR) * blStep;
    const bCount = ASC_FEATURE_SIMD ? load<i32>(bList) : kc;
    for (let i0 = 0; i0 < mc; i0 += MR) {
      const mr = min(MR, mc - i0);
      const pa = ap + <usize>(i0 / MR) * aStep;
      const pcc = c + <usize>i0 * ldcb + (<usize>j0 << 2);
      // The sparser side's list, or none (0).
      let list: usize = 0;
      if (ASC_FEATURE_SIMD) {
        const aList = al + <usize>(i0 / MR) * alStep;
        const aCount = load<i32>(aList);
        if (min(aCount, bCount) <= sparse) list = aCount <= bCount ? aList : bList;
      }
      if (mr == MR && nr == NR) {
        if (ASC_FEATURE_SIMD) {
          if (list) kernelSimdList(list, pa, pb, pcc, ldcb, alpha, beta);
          else kernelSimd(kc, pa, pb, pcc, ldcb, alpha, beta);
        } else kernelScalar(kc, pa, pb, pcc, ldcb, alpha, beta);
      } else {
        // Edge tile: full-size product into the tile buffer, then the valid part into C.
        // A panel at most 4 wide needs only the half-width SIMD kernel.
        if (ASC_FEATURE_SIMD) {
          if (nr <= 4) {
            if (list) kernelSimdHalfList(list, pa, pb, tile, <usize>NR << 2);
            else kernelSimdHalf(kc, pa, pb, tile, <usize>NR << 2);
          }
          else if (list) kernelSimdList(list, pa, pb, tile, <usize>NR << 2, 1, 0);
          else kernelSimd(kc, pa, pb, tile, <usize>NR << 2, 1, 0);
        } else kernelScalar(kc, pa, pb, tile, <usize>NR << 2, 1, 0);
        for (let r = 0; r < mr; r++) {
          const crow = pcc + <usize>r * ldcb;
          const trow = tile + (<usize>(r * NR) << 2);
          for (let q = 0; q < nr; q++) {
            const o = <usize>q << 2;
            const v = alpha * load<f32>(trow + o);
            store<f32>(crow + o, beta == 0 ? v : v + beta * load<f32>(crow + o));
          }
        }
      }
    }
  }
}

// @ts-ignore: decorator
@inline function out4(p: usize, acc: v128, va: v128, vb: v128, mode: i32): void {
  if (mode == 0) v128.store(p, f32x4.mul(acc, va));
  else if (mode == 1) v128.store(p, madd(acc, va, v128.load(p)));
  else v128.store(p, madd(acc, va, f32x4.mul(v128.load(p), vb)));
}

/** C[0..4, 0..8] = alpha·acc + beta·C for the 4 × 8 kernels' accumulators (row r: c_r0, c_r1). */
// @ts-ignore: decorator
@inline function out4x8(
  c: usize, ldcb: usize, alpha: f32, beta: f32,
  c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128,
): void {
  const va = f32x4.splat(alpha);
  const vb = f32x4.splat(beta);
  const mode = beta == 0 ? 0 : beta == 1 ? 1 : 2;
  let q = c;
  out4(q, c00, va, vb, mode); out4(q + 16, c01, va, vb, mode); q += ldcb;
  out4(q, c10, va, vb, mode); out4(q + 16, c11, va, vb, mode); q += ldcb;
  out4(q, c20, va, vb, mode); out4(q + 16, c21, va, vb, mode); q += ldcb;
  out4(q, c30, va, vb, mode); out4(q + 16, c31, va, vb, mode);
}

/** 4 × 8 SIMD micro-kernel: C[0..4, 0..8] = alpha·(Ap·Bp) + beta·C over kc steps. */
function kernelSimd(kc: i32, pa: usize, pb: usize, c: usize, ldcb: usize, alpha: f32, beta: f32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let av = v128.load32_splat(pa);
    c00 = madd(av, b0, c00); c01 = madd(av, b1, c01);
    av = v128.load32_splat(pa, 4);
    c10 = madd(av, b0, c10); c11 = madd(av, b1, c11);
    av = v128.load32_splat(pa, 8);
    c20 = madd(av, b0, c20); c21 = madd(av, b1, c21);
    av = v128.load32_splat(pa, 12);
    c30 = madd(av, b0, c30); c31 = madd(av, b1, c31);
    pa += 16;
    pb += 32;
  }
  out4x8(c, ldcb, alpha, beta, c00, c01, c10, c11, c20, c21, c30, c31);
}

/**
 * kernelSimd over the k steps listed at `list` (an i32 count, then byte indices, ascending): the
 * same madds in the same order for those steps, none for the others.
 */
function kernelSimdList(list: usize, pa: usize, pb: usize, c: usize, ldcb: usize, alpha: f32, beta: f32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  const end = list + 4 + <usize>load<i32>(list);
  for (let q = list + 4; q < end; q++) {
    const p = <usize>load<u8>(q);
    const a = pa + (p << 4), b = pb + (p << 5);
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    let av = v128.load32_splat(a);
    c00 = madd(av, b0, c00); c01 = madd(av, b1, c01);
    av = v128.load32_splat(a, 4);
    c10 = madd(av, b0, c10); c11 = madd(av, b1, c11);
    av = v128.load32_splat(a, 8);
    c20 = madd(av, b0, c20); c21 = madd(av, b1, c21);
    av = v128.load32_splat(a, 12);
    c30 = madd(av, b0, c30); c31 = madd(av, b1, c31);
  }
  out4x8(c, ldcb, alpha, beta, c00, c01, c10, c11, c20, c21, c30, c31);
}

/** 4 × 4 SIMD micro-kernel on the left half of 8-wide B panels; stores the raw products at c. */
function kernelSimdHalf(kc: i32, pa: usize, pb: usize, c: usize, ldcb: usize): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    c0 = madd(v128.load32_splat(pa), b0, c0);
    c1 = madd(v128.load32_splat(pa, 4), b0, c1);
    c2 = madd(v128.load32_splat(pa, 8), b0, c2);
    c3 = madd(v128.load32_splat(pa, 12), b0, c3);
    pa += 16;
    pb += 32;
  }
  v128.store(c, c0);
  v128.store(c + ldcb, c1);
  v128.store(c + 2 * ldcb, c2);
  v128.store(c + 3 * ldcb, c3);
}

/** kernelSimdHalf over the k steps listed at `list`, as kernelSimdList is to kernelSimd. */
function kernelSimdHalfList(list: usize, pa: usize, pb: usize, c: usize, ldcb: usize): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  const end = list + 4 + <usize>load<i32>(list);
  for (let q = list + 4; q < end; q++) {
    const p = <usize>load<u8>(q);
    const a = pa + (p << 4);
    const b0 = v128.load(pb + (p << 5));
    c0 = madd(v128.load32_splat(a), b0, c0);
    c1 = madd(v128.load32_splat(a, 4), b0, c1);
    c2 = madd(v128.load32_splat(a, 8), b0, c2);
    c3 = madd(v128.load32_splat(a, 12), b0, c3);
  }
  v128.store(c, c0);
  v128.store(c + ldcb, c1);
  v128.store(c + 2 * ldcb, c2);
  v128.store(c + 3 * ldcb, c3);
}

// @ts-ignore: decorator
@inline function out1(p: usize, acc: f32, alpha: f32, beta: f32): void {
  store<f32>(p, beta == 0 ? alpha * acc : alpha * acc + beta * load<f32>(p));
}

/** 4 × 4 scalar micro-kernel. */
function kernelScalar(kc: i32, pa: usize, pb: usize, c: usize, ldcb: usize, alpha: f32, beta: f32): void {
  let c00: f32 = 0, c01: f32 = 0, c02: f32 = 0, c03: f32 = 0;
  let c10: f32 = 0, c11: f32 = 0, c12: f32 = 0, c13: f32 = 0;
  let c20: f32 = 0, c21: f32 = 0, c22: f32 = 0, c23: f32 = 0;
  let c30: f32 = 0, c31: f32 = 0, c32: f32 = 0, c33: f32 = 0;
  for (let p = 0; p < kc; p++) {
    const b0 = load<f32>(pb), b1 = load<f32>(pb, 4), b2 = load<f32>(pb, 8), b3 = load<f32>(pb, 12);
    let av = load<f32>(pa);
    c00 += av * b0; c01 += av * b1; c02 += av * b2; c03 += av * b3;
    av = load<f32>(pa, 4);
    c10 += av * b0; c11 += av * b1; c12 += av * b2; c13 += av * b3;
    av = load<f32>(pa, 8);
    c20 += av * b0; c21 += av * b1; c22 += av * b2; c23 += av * b3;
    av = load<f32>(pa, 12);
    c30 += av * b0; c31 += av * b1; c32 += av * b2; c33 += av * b3;
    pa += 16;
    pb += 16;
  }
  let q = c;
  out1(q, c00, alpha, beta); out1(q + 4, c01, alpha, beta); out1(q + 8, c02, alpha, beta); out1(q + 12, c03, alpha, beta); q += ldcb;
  out1(q, c10, alpha, beta); out1(q + 4, c11, alpha, beta); out1(q + 8, c12, alpha, beta); out1(q + 12, c13, alpha, beta); q += ldcb;
  out1(q, c20, alpha, beta); out1(q + 4, c21, alpha, beta); out1(q + 8, c22, alpha, beta); out1(q + 12, c23, alpha, beta); q += ldcb;
  out1(q, c30, alpha, beta); out1(q + 4, c31, alpha, beta); out1(q + 8, c32, alpha, beta); out1(q + 12, c33, alpha, beta);
}
