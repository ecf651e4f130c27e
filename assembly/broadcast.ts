/**
 * broadcast: a row vector applied to every row of a rows × cols matrix, for `batch` matrices
 * stored one after another, batch entry b using the vector at v + b·vStride:
 *   out[b, r, c] = x[b, r, c] + v[b·vStride + c]   (op 0, add: bias)
 *   out[b, r, c] = x[b, r, c] · v[b·vStride + c]   (op 1, mul: shared dropout mask, column scaling)
 * out may alias x. `v` already points at the first vector. Twin of shaders/broadcast.wgsl.
 */
export function broadcast(x: usize, v: usize, out: usize, rows: i32, cols: i32, op: i32, batch: i32, vStride: i32): void {
  for (let b = 0; b < batch; b++) {
    broadcastOne(x, v + (<usize>(b * vStride) << 2), out, rows, cols, op);
    x += <usize>(rows * cols) << 2;
    out += <usize>(rows * cols) << 2;
  }
}

function broadcastOne(x: usize, v: usize, out: usize, rows: i32, cols: i32, op: i32): void {
  const rowBytes = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    let c = 0;
    if (ASC_FEATURE_SIMD) {
      for (; c + 4 <= cols; c += 4) {
        const o = <usize>c << 2;
        const a = v128.load(x + o), b = v128.load(v + o);
        v128.store(out + o, op == 0 ? f32x4.add(a, b) : f32x4.mul(a, b));
      }
    }
    for (; c < cols; c++) {
      const o = <usize>c << 2;
      const a = load<f32>(x + o), b = load<f32>(v + o);
      store<f32>(out + o, op == 0 ? a + b : a * b);
    }
    x += rowBytes;
    out += rowBytes;
  }
}
