/**
 * gather_rows: dst[i·cols + c] = src[index[i]·cols + c] for i < rows (mini-batch selection).
 * An index ≥ srcRows yields a zero row instead of reading out of bounds.
 * Twin of shaders/gather_rows.wgsl.
 */
export function gather_rows(src: usize, index: usize, dst: usize, rows: i32, cols: i32, srcRows: u32): void {
  const rowBytes = <usize>cols << 2;
  for (let i = 0; i < rows; i++) {
    const j = load<u32>(index + (<usize>i << 2));
    const to = dst + <usize>i * rowBytes;
    if (j < srcRows) memory.copy(to, src + <usize>j * rowBytes, rowBytes);
    else memory.fill(to, 0, rowBytes);
  }
}
