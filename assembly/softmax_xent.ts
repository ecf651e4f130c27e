/**
 * softmax_xent: row-wise softmax cross-entropy of rows × cols logits against targets t:
 *   grad[r, c] = softmax(logits[r])_c − t[r, c]
 *   loss[r]    = −Σ_c t[r, c] · (logits[r, c] − max_r − log Σ_c' exp(logits[r, c'] − max_r))
 * Shifting by the row maximum keeps exp from overflowing; exp and log run in f64 and round once.
 * Twin of shaders/softmax_xent.wgsl.
 */
export function softmax_xent(logits: usize, targets: usize, grad: usize, loss: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const row = <usize>(r * cols) << 2;
    let mx = load<f32>(logits + row);
    for (let c = 1; c < cols; c++) mx = max(mx, load<f32>(logits + row + (<usize>c << 2)));
    let z: f64 = 0;
    for (let c = 0; c < cols; c++) z += Math.exp(<f64>(load<f32>(logits + row + (<usize>c << 2)) - mx));
    const logZ = Math.log(z);
    let l: f64 = 0;
    for (let c = 0; c < cols; c++) {
      const o = row + (<usize>c << 2);
      const s = <f64>(load<f32>(logits + o) - mx);
      const t = <f64>load<f32>(targets + o);
      store<f32>(grad + o, <f32>(Math.exp(s - logZ) - t));
      l -= t * (s - logZ);
    }
    store<f32>(loss + (<usize>r << 2), <f32>l);
  }
}
