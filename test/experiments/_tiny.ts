/** Settings small enough for tests: every section of the reproduction in a few seconds. */
export const TINY = {
  sme: { data: { source: 'mnist', n: 64 }, steps: 4, paths: 2, recordEvery: 2 },
  weakOrder: { lrs: [0.2, 0.1], paths: 16, bootstrap: 20 },
  sweep: { lrs: [0.1, 0.05], keeps: [0.5, 0.9], paths: 8, bootstrap: 20 },
  flatness: {
    data: { source: 'mnist', n: 64 }, net: { hidden: [8, 8] }, burnIn: 4, settle: 1, samples: 5, spacing: 1, directions: 3, gradientSamples: 5,
  },
  alignment: {
    data: { source: 'mnist', n: 64 }, net: { hidden: [8] }, steps: 4, every: 2, samples: 4, nullSamples: 2, probes: 4, eigenpairs: 2,
  },
};
