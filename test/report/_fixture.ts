/**
 * A small, realistic Results object written by hand for the report tests: W3-like SME curves,
 * a weak-order ladder, an ε × p sweep with one cell under its floor, flatness runs at two keeps
 * (one with a linear-response prediction) and an alignment track. A few entries are null (NaN in
 * results.json) or unbounded on purpose.
 */
import { RESULTS_SCHEMA, type Results } from 'dropout-sme/report';

const times = [0, 0.5, 1, 1.5, 2];
const curve = (a: number, r: number, w: number) => {
  const mean = times.map((t) => a * Math.exp(-r * t) + 0.1);
  return { mean, lo: mean.map((m) => m - w), hi: mean.map((m) => m + w) };
};

export function fixture(): Results {
  const sme2 = curve(0.41, 1.02, 0.012);
  (sme2.mean as (number | null)[])[3] = null; // a NaN record: dropped, not drawn as NaN
  return {
    schema: RESULTS_SCHEMA,
    provenance: {
      package: 'dropout-sme', version: '0.1.0', backend: 'wasm', backendDescription: 'WebAssembly SIMD, 2 threads',
      runtime: 'node v22.0.0', seed: 7, preset: 'quick',
      config: { sme: { workload: 'W3', lr: 0.1, keep: 0.9, paths: 16 }, note: 'a <b>tag</b> & "quotes"' },
    },
    sme: {
      workload: 'W3', lr: 0.1, keep: 0.9, paths: 16, times,
      methods: {
        gd: curve(0.3, 1.4, 0),
        'dropout-gd': curve(0.4, 1.0, 0.015),
        sme1: curve(0.42, 0.98, 0.014),
        sme2,
        'gd-modified': curve(0.4, 1.0, 0),
      },
    },
    weakOrder: [{
      regime: 'drift-dominated', workload: 'W3', keep: 0.9, time: 1, paths: 400, gdPaths: 20000, integrator: { scheme: 'Euler–Maruyama at h, h/2, h/4, Richardson', step: 0.025 },
      lrs: [0.2, 0.1, 0.05, 0.025],
      series: [
        {
          method: 'sme1', errors: [0.021, 0.0107, 0.0052, 0.0024], floors: [4e-4, 4e-4, 4.2e-4, 4.1e-4], integratorErrors: [2e-4, 1e-4, 6e-5, 3e-5],
          slope: 1.04, interval: [0.91, 1.18], fitted: [0, 1, 2, 3], resolved: true, reason: null, diverged: [0, 0, 0, 0],
        },
        {
          method: 'sme2', errors: [0.0041, 0.0011, 3.1e-4, null as unknown as number], floors: [4.1e-4, 4e-5, 4.3e-5, 4e-4], integratorErrors: [1e-4, 5e-5, 2e-5, 1e-5],
          slope: 1.9, interval: [1.52, 2.37], fitted: [0, 1, 2], resolved: true, reason: null, diverged: [0, 0, 0, 0],
        },
      ],
    }, {
      regime: 'noise-dominated', workload: 'W3', keep: 0.9, time: 4, paths: 400, gdPaths: 20000, integrator: { scheme: 'Euler–Maruyama at h, h/2, h/4, Richardson', step: 0.025 },
      lrs: [0.2, 0.1, 0.05, 0.025],
      series: [
        {
          method: 'sme1', errors: [3e-3, 8e-4, 2.1e-4, 1e-4], floors: [1e-4, 1e-4, 1e-4, 1e-4], integratorErrors: [2e-5, 1e-5, 6e-6, 3e-6],
          slope: 1.95, interval: [1.7, 2.2], fitted: [0, 1, 2], resolved: true, reason: null, diverged: [0, 0, 0, 0],
        },
        {
          method: 'sme2c', errors: [2e-4, 5e-5, 3e-5, 2e-5], floors: [1e-4, 1e-4, 1e-4, 1e-4], integratorErrors: [2e-5, 1e-5, 6e-6, 3e-6],
          slope: null, interval: null, fitted: [], resolved: false, reason: '0 of 4 learning rates resolved, 3 needed; under twice the Monte Carlo floor at ε = 0.2, 0.1, 0.05, 0.025', diverged: [0, 0, 0, 0],
        },
      ],
    }],
    sweep: {
      workload: 'W3', time: 1, paths: 100, gdPaths: 4000, integrator: { scheme: 'Euler–Maruyama at h, h/2, h/4, Richardson', step: 0.05 },
      lrs: [0.2, 0.1, 0.05],
      keeps: [0.9, 0.5, 0.1, 0.05],
      series: [{
      method: 'sme1',
      errors: [[0.012, 0.0061, 0.0029], [0.031, 0.015, 0.0077], [0.094, 0.051, 0.024], [0.17, null as unknown as number, 0.0008]],
      floors: [[0.001, 0.001, 0.001], [0.0011, 0.001, 0.001], [0.0013, 0.0012, 0.0011], [0.0015, 0.0014, 0.0012]],
      integratorErrors: [[1e-4, 5e-5, 2e-5], [1e-4, 5e-5, 2e-5], [1e-4, 5e-5, 2e-5], [1e-4, 5e-5, 2e-5]],
      slopes: [1.03, 1.01, 0.98, null],
      reasons: [null, null, null, '1 of 3 learning rates resolved, 3 needed; under twice the Monte Carlo floor at ε = 0.05; diverged or missing at ε = 0.1'],
      diverged: [[0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 7, 0]],
      }],
    },
    flatness: {
      workload: 'W1', threshold: 2,
      runs: [
        { method: 'sgd', kind: 'trajectory', keep: 0.9, variances: [3e-3, 1.1e-3, 6e-4, 2e-4, 9e-5], flatness: [0.05, 0.09, 0.14, 0.3, 0.52], psi: 1.91, interval: [1.4, 2.6], spearman: -1, samples: 40 },
        {
          method: 'dropout', kind: 'trajectory', keep: 0.9, variances: [2.1e-3, 9e-4, 4e-4, 1.5e-4, 8e-5, 3e-5], flatness: [0.04, 0.08, 0.15, null, 0.41, 0.7], psi: 1.18, interval: [0.72, 1.66], spearman: -0.9, samples: 40,
          predictions: [{
            basis: 'pca', lr: 0.1, span: 1100,
            flatness: [0.04, 0.08, 0.15, null, 0.41, 0.7], measured: [2.1e-3, 9e-4, 4e-4, 1.5e-4, 8e-5, 3e-5],
            // One window variance null (drawn: 4 of 6, the unbounded direction dropped too); every stationary one finite (5 drawn).
            window: [1.8e-3, 1e-3, 3e-4, 2e-4, null, 4e-5], stationary: [5e-4, 4e-4, 2e-4, 1e-4, 9e-5, 5e-5],
            curvature: [0.02, 0.1, 0.5, 1.1, 3, 9], noise: [1e-4, 3e-4, 1e-3, 2e-3, 5e-3, 2e-2],
            eigenvalues: [0.015, 0.09, 0.45, 1.2, 3.1, 9.2], unstable: [],
            fits: {
              measured: { psi: 1.18, interval: [0.72, 1.66], spearman: -0.9, used: 5 },
              window: { psi: 1.32, interval: [0.8, 1.9], spearman: -1, used: 4 },
              stationary: { psi: 0.61, interval: [0.31, 0.95], spearman: -1, used: 5 },
            },
            agreement: { medianRatio: 1.15, spearman: 0.9 },
            noiseScaling: { exponent: 1.3, interval: [1.1, 1.6], used: 6 },
          }],
        },
        { method: 'dropout', kind: 'gradient', keep: 0.9, variances: [0.8, 0.3, 0.11, 0.05], flatness: [0.07, 0.12, 0.25, 0.33], psi: 1.35, interval: [0.95, 2.06], spearman: -0.96, samples: 64 },
        { method: 'sgd', kind: 'gradient', keep: 0.9, variances: [0.5, 0.2, 0.09, 0.04], flatness: [0.06, 0.1, 0.2, 0.37], psi: 1.4, interval: [1.02, 1.9], spearman: -1, samples: 64 },
        { method: 'dropout', kind: 'trajectory', keep: 0.5, variances: [1e-3, 5e-4, 2e-4], flatness: [0.05, 0.1, 0.2], psi: -0.9, interval: [-1.4, -0.3], spearman: 0.8, samples: 40 },
        { method: 'dropout', kind: 'gradient', keep: 0.5, variances: [0.5, 0.2, 0.1], flatness: [0.06, 0.12, 0.3], psi: 1.1, interval: [0.6, 1.7], spearman: -1, samples: 64 },
      ],
    },
    alignment: {
      workload: 'W3',
      steps: [0, 50, 100, 150, 200],
      alpha: [0.3, 0.38, 0.45, null as unknown as number, 0.51],
      nullMean: [4e-4, 4.2e-4, 4.1e-4, 4e-4, 3.9e-4],
      nullSd: [1e-4, 1.1e-4, 1e-4, 1e-4, 0.9e-4],
      loss: [0.56, 0.31, 0.24, 0.22, 0.207],
      eigenvalues: [12.5, 6.1, 3.2, 1.5, 0.8, -0.1],
      projectedVariance: [3e-3, 1.2e-3, 6e-4, null as unknown as number, 2e-4, 1e-4],
      spearman: 0.94,
    },
  };
}
