/**
 * The shape of results.json, written by `dropout-sme reproduce` (and by each experiment
 * subcommand, which fills only its own section). Every number the report shows lives here, so
 * the report (report.html) and the browser lab are pure functions of this object. Plain JSON:
 * numbers and arrays of numbers, no typed arrays; NaN is written as null.
 */

export const RESULTS_SCHEMA = 'dropout-sme/results@2';

/** A band over seeds/paths: the mean and a central interval (default 10 % – 90 % quantiles). */
export interface Band {
  mean: number[];
  lo: number[];
  hi: number[];
}

/** Dropout GD against its SME: R_S over time with bands over paths (SPEC §4). */
export interface SmeCurves {
  workload: string;
  lr: number;
  keep: number;
  paths: number;
  /** Times t = N·ε of the records. */
  times: number[];
  /** Per method ('dropout-gd', 'sme1', 'sme2', 'gd-modified', 'gd'): R_S over time. */
  methods: Record<string, Band>;
}

/** The weak-order study (SPEC §4) for one SME order. */
export interface WeakOrderSeries {
  order: 1 | 2;
  /** Weak error of g = R_S per learning rate, and its Monte Carlo floor (null where paths diverged). */
  errors: (number | null)[];
  floors: (number | null)[];
  /** Fitted order (slope of log e on log ε) with a bootstrap 95 % interval; null where < 2 usable points. */
  slope: number | null;
  interval: [number, number] | null;
  /** Indices of the learning rates used in the fit. */
  fitted: number[];
  /** Paths that diverged per learning rate (their errors are null). */
  diverged: number[];
}

export interface WeakOrderSection {
  workload: string;
  keep: number;
  time: number;
  paths: number;
  lrs: number[];
  series: WeakOrderSeries[];
}

/** The ε × p sweep: order-1 weak errors of R_S, keeps × lrs (row-major as nested arrays). */
export interface SweepSection {
  workload: string;
  time: number;
  paths: number;
  lrs: number[];
  keeps: number[];
  errors: (number | null)[][];
  floors: (number | null)[][];
  /** Paths that diverged per cell (dropout GD and SME together); those cells' errors are null. */
  diverged: number[][];
  /** Fitted order per keep (null where fewer than 2 usable points). */
  slopes: (number | null)[];
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
 * The linear-response prediction of a dropout trajectory window (SPEC §6) in one basis of K
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

/** One inverse variance–flatness measurement (SPEC §6). */
export interface FlatnessRun {
  /** 'dropout' | 'sgd' | 'isotropic' | 'gd'. */
  method: string;
  kind: 'trajectory' | 'gradient';
  /** The keep probability p of the model (θ* and, for dropout, the noise). */
  keep: number;
  /** PCA variances σ_i² and interval flatness F_i along the top K directions (null = unbounded). */
  variances: number[];
  flatness: (number | null)[];
  psi: number;
  interval: [number, number];
  spearman: number;
  samples: number;
  /** Trajectory samples: ‖θ̄_second half − θ̄_first half‖/√tr C (≈ 2/√S stationary, √3 pure drift). */
  drift?: number;
  /** Dropout trajectory samples: the linear-response prediction of the window, per basis. */
  predictions?: FlatnessPrediction[];
}

export interface FlatnessSection {
  workload: string;
  /** Flatness threshold c. */
  threshold: number;
  runs: FlatnessRun[];
}

/** Hessian–variance alignment (SPEC §6). */
export interface AlignmentSection {
  workload: string;
  /** α over training against the null model (random eigenvectors, spectrum kept). */
  steps: number[];
  alpha: number[];
  nullMean: number[];
  nullSd: number[];
  loss: number[];
  /** At the end of training: top Hessian eigenvalues and the projected variance u_jᵀ C u_j. */
  eigenvalues: number[];
  projectedVariance: number[];
  spearman: number;
}

export interface Provenance {
  package: string;
  version: string;
  backend: 'webgpu' | 'wasm';
  backendDescription: string;
  runtime: string;
  seed: number;
  /** 'quick' | 'default' | 'full' or a subcommand's name. */
  preset: string;
  /** The exact configuration each experiment ran with. */
  config: Record<string, unknown>;
}

/** The sections of results.json, each drawn by one or more figures. */
export type SectionName = 'sme' | 'weakOrder' | 'sweep' | 'flatness' | 'alignment';

export interface Results {
  schema: typeof RESULTS_SCHEMA;
  provenance: Provenance;
  sme?: SmeCurves;
  weakOrder?: WeakOrderSection;
  sweep?: SweepSection;
  flatness?: FlatnessSection;
  alignment?: AlignmentSection;
}
