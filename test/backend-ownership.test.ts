/**
 * Both backends refuse tensors they do not own, and disposed ones, through the same shared checks
 * (src/backend/tensor-checks.ts): the same cases give the same error types and the same messages
 * on WASM and WebGPU (up to the backend's own name). A tensor of another engine of the same
 * backend, or of the other backend, is an ArgumentError naming the argument; a disposed tensor,
 * or any call on a destroyed backend, a DisposedError.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ArgumentError, createEngine, DisposedError, type Backend, type Engine } from 'dropout-sme';
import { present, testEngines } from './helpers/engines.js';

const engines = await testEngines();
const s = suite('foreign and disposed tensors: the same errors on every backend');

/**
 * One refused call: its label and what it threw (the error's name, and its message with the
 * backend under test written <B> and the other backend <O>).
 */
type Outcome = [label: string, error: string, message: string];

const OTHER: Record<string, string> = { wasm: 'webgpu', webgpu: 'wasm' };

async function outcome(label: string, name: string, call: () => unknown): Promise<Outcome> {
  try {
    await call();
  } catch (err) {
    const e = err as Error;
    return [label, e.name, e.message.replaceAll(name, '<B>').replaceAll(OTHER[name]!, '<O>')];
  }
  return [label, 'none', 'returned normally'];
}

/** The cases, run on `k` with a second engine of the same backend and (if any) one of the other. */
async function refusals(k: Backend, twin: Backend, otherKind: Backend | null): Promise<Outcome[]> {
  const out: Outcome[] = [];
  const run = async (label: string, call: () => unknown) => out.push(await outcome(label, k.name, call));
  const mine = k.create(4), mine2 = k.create(4), theirs = twin.create(4), gone = k.create(4);
  k.dispose(gone);
  await run('scale, tensor of another engine', () => k.scale(2, theirs));
  await run('axpy y of another engine', () => k.axpy(1, mine, theirs));
  await run('gemm c of another engine', () => k.gemm(mine, mine2, theirs, { m: 2, n: 2, k: 2 }));
  await run('mask into another engine', () => k.mask(theirs, { seed: 1, step: 0, layer: 0, units: 4, samples: 1, keep: 0.5 }));
  await run('read of another engine', () => k.read(theirs));
  await run('write to another engine', () => k.write(theirs, new Float32Array(4)));
  await run('copy to another engine', () => k.copy(mine, theirs));
  await run('dispose of another engine', () => k.dispose(theirs));
  await run('scale, disposed', () => k.scale(2, gone));
  await run('mul out disposed', () => k.mul(mine, mine2, gone));
  await run('broadcast v disposed', () => k.broadcast(mine, gone, mine2, { rows: 1, cols: 4, op: 'add' }));
  await run('read, disposed', () => k.read(gone));
  await run('fill, disposed', () => k.fill(gone, 1));
  out.push(['dispose twice', 'none', String(k.dispose(gone))]);
  if (otherKind) {
    const foreign = otherKind.create(4);
    await run('axpy x of the other backend', () => k.axpy(1, foreign, mine));
    await run('reduce out of the other backend', () => k.reduce('sum', mine, null, foreign));
    await run('dispose of the other backend', () => k.dispose(foreign));
    otherKind.dispose(foreign);
  }
  twin.dispose(theirs);
  k.dispose(mine);
  k.dispose(mine2);
  return out;
}

async function destroyed(e: Engine): Promise<Outcome[]> {
  const t = e.kernels.create(4);
  e.dispose();
  return [
    await outcome('create after destroy', e.backend, () => e.kernels.create(4)),
    await outcome('scale after destroy', e.backend, () => e.kernels.scale(2, t)),
  ];
}

s('every backend gives the same error types and messages', async () => {
  const all = present(engines);
  const results: Outcome[][] = [];
  for (const engine of all) {
    const twin = await createEngine({ backend: engine.backend, ...(engine.backend === 'wasm' ? { threads: 1 } : {}) });
    const other = all.find((e) => e.backend !== engine.backend) ?? null;
    results.push([...await refusals(engine.kernels, twin.kernels, other?.kernels ?? null), ...await destroyed(twin)]);
  }
  const first = results[0]!;
  // What the shared checks say, stated once: the first backend must give exactly this.
  const byLabel = new Map(first.map(([label, error, message]) => [label, [error, message]]));
  assert.equal(byLabel.get('scale, tensor of another engine'), ['ArgumentError', 'x: expected a tensor of this <B> backend, got "a tensor of another <B> backend (another engine)"']);
  assert.equal(byLabel.get('dispose of another engine'), ['ArgumentError', 't: expected a tensor of this <B> backend, got "a tensor of another <B> backend (another engine)"']);
  assert.equal(byLabel.get('scale, disposed'), ['DisposedError', 'x: tensor was disposed']);
  assert.equal(byLabel.get('read, disposed'), ['DisposedError', 't: tensor was disposed']);
  assert.equal(byLabel.get('dispose twice'), ['none', 'undefined']);
  assert.equal(byLabel.get('create after destroy'), ['DisposedError', '<B> backend was destroyed']);
  if (all.length > 1) {
    assert.equal(byLabel.get('axpy x of the other backend'), ['ArgumentError', 'x: expected a tensor of the <B> backend, got "a tensor of the <O> backend"']);
  }
  for (const [label, error] of first) {
    if (label !== 'dispose twice') assert.ok(error === ArgumentError.name || error === DisposedError.name, `${label}: ${error}`);
  }
  for (let i = 1; i < results.length; i++) assert.equal(results[i], first, `${all[i]!.backend} matches ${all[0]!.backend}`);
  if (results.length === 1) console.log(`NOTE: only ${all[0]!.backend} present; the comparison across backends did not run`);
});

s.after(() => {
  for (const e of present(engines)) e.dispose();
});

s.run();
