/**
 * The shape of results.json, written by `dropout-sme reproduce` (and by each experiment
 * subcommand, which fills only its own section). Every number the report shows lives here, so
 * the report (report.html) and the browser lab are pure functions of this object. Plain JSON:
 * numbers and arrays of numbers, no typed arrays; NaN is written as null.
 */

import type { SmeMethod } from '../sme/path-options.js';

/** The schema tag of results.json (its `schema` field). */
export const RESULTS_SCHEMA = 'dropout-sme/results@3';

/** A band over seeds/paths: the mean and a central interval (default 10 % – 90 % quantiles). */
export interface Band {
  /** Mean over paths, per record. */
  mean: number[];
  /** Lower quantile (10 % by default), per record. */
  lo: number[];
  /** Upper quantile (90 % by default), per record. */
  hi: number[];
}

/** Dropout GD against its SME: R_S over time with bands over paths (docs/math.md §4). */
export interface SmeCurves {
  /** The data and network, e.g. 'mnist[:1000] · 50/tanh/keep=0.9/init=1'. */
  workload: string;
  /** Learning rate ε. */
  lr: number;
  /** Keep probability p. */
  keep: number;
  /** Paths per method. */
  paths: number;
  /** Times t = N·ε of the records. */
  times: number[];
  /** Per method ('dropout-gd', 'sme1', 'sme2', 'gd-modified', 'gd'): R_S over time. */
  methods: Record<string, Band>;
}

/** The SMEs (docs/math.md §4.1, §4.7): 'sme1', 'sme2', 'sme2c' (order-2 drift, corrected diffusion). */
export type SmeName = SmeMethod;

/** The weak-order study (docs/math.md §4) for one SME. */
export interface WeakOrderSeries {
  /** Which SME. */
  method: SmeName;
  /** Weak error of g = R_S per learning rate, and its Monte Carlo floor (null where paths diverged). */
  errors: (number | null)[];
  /** Monte Carlo floor √(s²_GD/R + s²_SME/R) per learning rate (null where paths diverged). */
  floors: (number | null)[];
  /** The SME integrator's error estimate per learning rate (Richardson, with twice its standard error). */
  integratorErrors: (number | null)[];
  /** Fitted order (slope of log e on log ε) with a bootstrap 95 % interval; null when not resolved. */
  slope: number | null;
  /** Bootstrap 95 % interval of the slope. */
  interval: [number, number] | null;
  /** Indices of the learning rates used in the fit: gap above twice both floors. */
  fitted: number[];
  /** Whether the order is resolved (at least 3 fitted points), and why not when it is not. */
  resolved: boolean;
  reason: string | null;
  /** Paths that diverged per learning rate (their errors are null). */
  diverged: number[];
}

/** The weak-order study (docs/math.md §4.5) in one regime (one time T) on one workload, one series per SME. */
export interface WeakOrderSection {
  /** The regime the study was declared in, e.g. 'drift-dominated' or 'noise-dominated'. */
  regime: string;
  /** The data and network. */
  workload: string;
  /** Keep probability p. */
  keep: number;
  /** Time T at which g is compared. */
  time: number;
  /** SME paths (antithetic pairs) and dropout-GD paths per learning rate. */
  paths: number;
  gdPaths: number;
  /** The integrator: Euler–Maruyama at h, h/2, h/4 (common random numbers), Richardson-extrapolated. */
  integrator: { scheme: string; step: number };
  /** The learning rates ε. */
  lrs: number[];
  /** One series per SME. */
  series: WeakOrderSeries[];
}

/** One SME's weak errors of R_S in the ε × p sweep, keeps × lrs (row-major as nested arrays). */
export interface SweepSeries {
  /** Which SME. */
  method: SmeName;
  /** Weak error of R_S per cell (null where paths diverged). */
  errors: (number | null)[][];
  /** Monte Carlo floor per cell. */
  floors: (number | null)[][];
  integratorErrors: (number | null)[][];
  /** Paths that diverged per cell (dropout GD and SME together); those cells' errors are null. */
  diverged: number[][];
  /** Fitted order per keep (null where not resolved: fewer than 3 cells above twice both floors). */
  slopes: (number | null)[];
  /** Per keep: why its order is not resolved, or null. */
  reasons: (string | null)[];
}

/** The ε × p sweep: each SME's weak errors over keep probability and learning rate. */
export interface SweepSection {
  /** The data and network (keep varies). */
  workload: string;
  /** Time T. */
  time: number;
  /** Paths R per method and cell. */
  paths: number;
  gdPaths: number;
  integrator: { scheme: string; step: number };
  /** The learning rates ε (columns). */
  lrs: number[];
  /** The keep probabilities p (rows). */
  keeps: number[];
  /** One series per SME. */
  series: SweepSeries[];
}

/** A ψ fit of log σ² = −ψ log F + b: null where fewer than 2 directions were usable. */
export interface PsiFitJson {
  psi: number | null;
  interval: [number, number] | null;
  spearman: number | null;
  /** Directions with finite flatness and positive variance. */
  used: number;
}

/**
 * The linear-response prediction of a dropout trajectory window (docs/math.md §6) in one basis of K
 * directions p_i: per direction, the measured variance and flatness beside the predicted variances.
 */
export interface FlatnessPrediction {
  /** 'pca' (the window's principal directions) or 'hessian' (top eigenvectors of H at θ̄). */
  basis: 'pca' | 'hessian';
  /** Learning rate ε and the window's length in steps (settle + S·s), for relaxation times 1/(ελ). */
  lr: number;
  span: number;
  flatness: (number | null)[];
  measured: (number | null)[];
  /** The window's expected sample variance, and the stationary variance (null: no stationary covariance). */
  window: (number | null)[];
  stationary: (number | null)[] | null;
  /** p_iᵀHp_i (H of L_S by default) and p_iᵀΣp_i. */
  curvature: (number | null)[];
  noise: (number | null)[];
  /** Eigenvalues of H_K (ascending) and those outside (0, 2/ε), which rule out a stationary covariance. */
  eigenvalues: (number | null)[];
  unstable: (number | null)[];
  fits: { measured: PsiFitJson; window: PsiFitJson; stationary: PsiFitJson | null };
  /** Window-predicted against measured variances: median ratio and Spearman's ρ across directions. */
  agreement: { medianRatio: number | null; spearman: number | null };
  /** β of log p_iᵀΣp_i on log p_iᵀHp_i, its 95 % interval, and the directions used (β < 1: stationary variance falls with curvature). */
  noiseScaling: { exponent: number | null; interval: [number, number] | null; used: number };
}

/** One inverse variance–flatness measurement (docs/math.md §6). */
export interface FlatnessRun {
  /** 'dropout' | 'sgd' | 'isotropic' | 'gd'. */
  method: string;
  /** Trajectory samples (θ along training) or gradient samples (mask gradients at θ*). */
  kind: 'trajectory' | 'gradient';
  /** The keep probability p of the model (θ* and, for dropout, the noise). */
  keep: number;
  /** PCA variances σ_i² and interval flatness F_i along the top K directions (null = unbounded). */
  variances: number[];
  /** Interval flatness F_i along the same directions (null = unbounded). */
  flatness: (number | null)[];
  /** ψ of the fit log σ² = −ψ log F + b (docs/math.md §6.4). */
  psi: number;
  /** Bootstrap 95 % interval of ψ. */
  interval: [number, number];
  /** Spearman's ρ of (F, σ²). */
  spearman: number;
  /** Samples S. */
  samples: number;
  /** Trajectory samples: ‖θ̄_second half − θ̄_first half‖/√tr C (≈ 2/√S stationary, √3 pure drift). */
  drift?: number;
  /** Dropout trajectory samples: the linear-response prediction of the window, per basis. */
  predictions?: FlatnessPrediction[];
}

/** The inverse variance–flatness relation (docs/math.md §6.3–6.5), one run per method and sample kind. */
export interface FlatnessSection {
  /** The data and network. */
  workload: string;
  /** Flatness threshold c. */
  threshold: number;
  /** One run per method and sample kind. */
  runs: FlatnessRun[];
}

/** Hessian–variance alignment (docs/math.md §6). */
export interface AlignmentSection {
  /** The data and network. */
  workload: string;
  /** α over training against the null model (random eigenvectors, spectrum kept). */
  steps: number[];
  /** α(H, Σ) at each step. */
  alpha: number[];
  /** The null model's mean α at each step. */
  nullMean: number[];
  /** The null model's standard deviation at each step. */
  nullSd: number[];
  /** R_S at each step. */
  loss: number[];
  /** At the end of training: top Hessian eigenvalues and the projected variance u_jᵀ C u_j. */
  eigenvalues: number[];
  /** u_jᵀ Σ u_j along each eigenvector, with Σ from M mask gradients at the end. */
  projectedVariance: number[];
  /** Spearman's ρ of (λ_j, u_jᵀ Σ u_j). */
  spearman: number;
}

/** How a results.json was made: package, backend, runtime and the exact settings. */
export interface Provenance {
  /** 'dropout-sme'. */
  package: string;
  /** The package version. */
  version: string;
  /** The backend that ran. */
  backend: 'webgpu' | 'wasm';
  /** Its description (adapter, or WASM build and threads). */
  backendDescription: string;
  /** The runtime, e.g. 'node 20.20.2'. */
  runtime: string;
  /** The run's seed. */
  seed: number;
  /** 'quick' | 'default' | 'full' or a subcommand's name. */
  preset: string;
  /** The exact configuration each experiment ran with. */
  config: Record<string, unknown>;
}

/** The sections of results.json in report order, each drawn by one or more figures: the one list of them. */
export const SECTIONS = ['sme', 'weakOrder', 'sweep', 'flatness', 'alignment'] as const;
export type SectionName = (typeof SECTIONS)[number];

/**
 * The object results.json holds (schema 'dropout-sme/results@3'): provenance and one optional
 * section per experiment. Plain JSON; NaN is written as null.
 */
export interface Results {
  /** Always {@link RESULTS_SCHEMA}. */
  schema: typeof RESULTS_SCHEMA;
  /** How the run was made. */
  provenance: Provenance;
  /** Dropout GD against its SME. */
  sme?: SmeCurves;
  /** The weak-order study, one section per regime. */
  weakOrder?: WeakOrderSection[];
  /** The ε × p sweep. */
  sweep?: SweepSection;
  /** The variance–flatness relation. */
  flatness?: FlatnessSection;
  /** The Hessian–noise alignment. */
  alignment?: AlignmentSection;
}
