/**
 * Mini-batches for dropout SGD: each epoch is a fresh permutation of the rows (a Fisher–Yates
 * shuffle driven by the counter generator, so runtimes agree); a step's rows are gathered on the
 * device into batch tensors. Only the row indices (4 bytes each) cross to the device per step.
 */
import type { Backend, Tensor } from '../backend/backend.js';
import type { DeviceDataset } from '../model/dataset.js';
import { streamHead, streamTag, streamTail } from '../random/streams.js';

const ORDER = streamTag('batchOrder');

export class BatchSampler {
  readonly x: Tensor;
  readonly y: Tensor;
  private readonly index: Tensor;
  private readonly order: Uint32Array;
  private readonly rows: Uint32Array;
  private epoch = 0;
  private cursor: number;

  constructor(private readonly k: Backend, private readonly data: DeviceDataset, readonly batch: number, private readonly seed: number) {
    this.x = k.create(batch * data.inDim);
    this.y = k.create(batch * data.outDim);
    this.index = k.create(batch, 'u32');
    this.order = new Uint32Array(data.n);
    this.rows = new Uint32Array(batch);
    this.cursor = data.n; // forces a shuffle on the first call
  }

  /** The next batch (rows drawn without replacement within an epoch; an epoch's tail wraps). */
  next(): { x: Tensor; y: Tensor } {
    for (let i = 0; i < this.batch; i++) {
      if (this.cursor >= this.data.n) this.shuffle();
      this.rows[i] = this.order[this.cursor++]!;
    }
    this.k.write(this.index, this.rows);
    this.k.gatherRows(this.data.x, this.index, this.x, { rows: this.batch, cols: this.data.inDim });
    this.k.gatherRows(this.data.y, this.index, this.y, { rows: this.batch, cols: this.data.outDim });
    return this;
  }

  /**
   * Moves past the batches of `steps` earlier steps (host work only), so a run resumed with
   * startStep draws the batches an uninterrupted run would have drawn.
   */
  skip(steps: number): void {
    const n = this.data.n;
    let rows = steps * this.batch;
    if (rows > 0 && this.cursor >= n) this.shuffle();
    // Whole epochs only need their counter: each epoch's order is a function of (seed, epoch).
    const left = n - this.cursor;
    if (rows <= left) {
      this.cursor += rows;
      return;
    }
    rows -= left;
    const epochs = Math.floor(rows / n);
    this.epoch += epochs;
    this.shuffle();
    this.cursor = rows - epochs * n;
  }

  private shuffle(): void {
    const o = this.order;
    for (let i = 0; i < o.length; i++) o[i] = i;
    const head = streamHead(this.seed, ORDER, this.epoch);
    for (let i = o.length - 1; i > 0; i--) {
      const j = streamTail(head, i, 0) % (i + 1);
      const t = o[i]!;
      o[i] = o[j]!;
      o[j] = t;
    }
    this.epoch++;
    this.cursor = 0;
  }

  dispose(): void {
    for (const t of [this.x, this.y, this.index]) this.k.dispose(t);
  }
}
