/**
 * hessian: curvature of a model at given parameters (--params, e.g. train's params.npy; the
 * initialisation otherwise): top-k eigenpairs by Lanczos, the trace by Hutchinson, and the
 * spectral density by stochastic Lanczos quadrature, of R_S or of L_S (--of modified).
 */
import { createEngine } from '../engine.js';
import { ArgumentError } from '../errors.js';
import { readNpy, writeNpy } from '../data/npy.js';
import { bytes } from './data-files.js';
import { memoryBudget } from '../experiments/index.js';
import { checkModelFits, MODEL_HELP, MODEL_OPTIONS, modelChoice, trainingData } from './model-options.js';
import { withOutFolder } from './run-scope.js';
import { COMMON_HELP, engineOptions, intOption, parse } from './options.js';
import { progressBar } from './progress.js';

export const HESSIAN_HELP = `Usage: dropout-sme hessian [options]

Top-k Hessian eigenpairs (Lanczos with full reorthogonalisation), trace (Hutchinson) and
spectral density (stochastic Lanczos quadrature); writes hessian.json, eigenvalues.npy,
eigenvectors.npy (k × D) and density.npy (grid, density).

Options:
  --params <file.npy>           the flat parameter vector (default: the initialisation)
${MODEL_HELP}  --of <loss|modified>          Hessian of R_S (default) or of the modified loss L_S
  --k <k>                       eigenpairs (default 10)
  --which <LA|SA|LM>            largest, smallest or largest-magnitude (default LA)
  --probes <n>                  Hutchinson probes for the trace (default 30; 0 skips)
  --density <n>                 SLQ probes for the density (default 4; 0 skips)
${COMMON_HELP}`;

export async function hessianCommand(argv: string[]): Promise<void> {
  const { values } = parse(argv, {
    ...MODEL_OPTIONS, params: { type: 'string' }, of: { type: 'string', default: 'loss' }, k: { type: 'string', default: '10' },
    which: { type: 'string', default: 'LA' }, probes: { type: 'string', default: '30' }, density: { type: 'string', default: '4' },
  });
  if (values.help) {
    process.stdout.write(HESSIAN_HELP);
    return;
  }
  const net = modelChoice(values);
  const seed = intOption('seed', values.seed, 0, 0xffffffff);
  const k = intOption('k', values.k, 1, 1000), probes = intOption('probes', values.probes, 0, 100000), densityProbes = intOption('density', values.density, 0, 1000);
  if (values.of !== 'loss' && values.of !== 'modified') throw new ArgumentError('--of', "'loss' or 'modified'", values.of);
  if (values.which !== 'LA' && values.which !== 'SA' && values.which !== 'LM') throw new ArgumentError('--which', "'LA', 'SA' or 'LM'", values.which);
  const of = values.of, which = values.which;
  const out = (values.out as string | undefined) ?? 'dropout-sme-hessian';
  const { train } = await trainingData(values);
  const sizes = [train.inDim, ...net.hidden, train.outDim];
  const params = values.params ? readNpy(await bytes('--params', values.params as string), { name: '--params' }) : null;
  const engine = await createEngine(engineOptions(values));
  try {
    const model = engine.mlp({ sizes, activation: net.activation, keep: net.keep, loss: net.loss, seed });
    if (params && params.data.length !== model.size) throw new ArgumentError('--params', `${model.size} values (the network's D)`, `${params.data.length}`);
    if (k > model.size) throw new ArgumentError('--k', `at most D = ${model.size} (the network's parameters)`, k);
    // Lanczos bases: eigenpairs (eigen.ts's default steps, plus the k Ritz vectors) and SLQ's 80 steps.
    const lanczosRows = Math.max(Math.min(model.size, Math.max(2 * k + 10, 40)) + k, densityProbes > 0 ? Math.min(model.size, 80) : 0);
    checkModelFits(sizes, train.n, lanczosRows, memoryBudget(engine), '--k');
    await withOutFolder(out, { command: 'hessian', slot: 'run', force: values.force as boolean, resume: false }, 'nothing was written; run it again', async (scope) => {
      const data = engine.dataset(train);
      if (params) model.setParams(Float32Array.from(params.data as ArrayLike<number>));
      const signal = scope.signal;
      const bar = progressBar('hessian');
      const stage = (base: number, span: number, unit: string) => (d: number, t: number) => bar.update({ done: base + (span * d) / t, total: 3, unit });
      const eig = await engine.hessianEigen(model, data, { k, which, of, seed, signal, onProgress: stage(0, 1, 'Lanczos') });
      const trace = probes > 0 ? await engine.hessianTrace(model, data, { probes, of, seed, signal, onProgress: stage(1, 1, 'Hutchinson') }) : null;
      const density = densityProbes > 0 ? await engine.hessianDensity(model, data, { probes: densityProbes, of, seed, signal, onProgress: stage(2, 1, 'SLQ') }) : null;
      bar.end();
      signal.throwIfAborted();
      scope.folder.claim(['eigenvalues.npy', 'eigenvectors.npy', ...(density ? ['density.npy'] : []), 'hessian.json']);
      scope.write('eigenvalues.npy', writeNpy(eig.values));
      scope.write('eigenvectors.npy', writeNpy(eig.vectors, [eig.values.length, model.size]));
      if (density) scope.write('density.npy', writeNpy(Float64Array.from([...density.grid, ...density.density]), [2, density.grid.length]));
      const summary = {
        sizes: model.options.sizes, of, which, backend: engine.backend, eigenvalues: Array.from(eig.values), residuals: Array.from(eig.residuals),
        converged: eig.converged, lanczosSteps: eig.steps, trace: trace ? { value: trace.trace, stdError: trace.stdError, probes } : null,
      };
      scope.write('hessian.json', JSON.stringify(summary, null, 2) + '\n');
      console.log(`top ${k} eigenvalues (${which}, of ${of}): ${Array.from(eig.values, (v) => v.toPrecision(5)).join(', ')}${eig.converged ? '' : ' (not all converged)'}`);
      if (trace) console.log(`trace: ${trace.trace.toPrecision(5)} ± ${trace.stdError.toPrecision(2)} (${probes} probes)`);
      console.log(`wrote ${out}/`);
    });
  } finally {
    engine.dispose();
  }
}
