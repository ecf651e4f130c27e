/**
 * Linear response of dropout GD near a window's mean θ̄ (docs/math.md §6), in a K-dimensional basis P:
 * δ' = A δ − ε(g + ξ), A = I − εH, Cov ξ = Σ, with H_K = PᵀHP, Σ_K = PᵀΣP, g_K = Pᵀg. A is
 * symmetric, so in H_K's eigenbasis (H_K = U diag(λ) Uᵀ, a_i = 1 − ελ_i) every quantity has a
 * closed form, evaluated here in float64 on the host:
 * - the stationary covariance, C̃_ij = ε² Σ̃_ij / (1 − a_i a_j) (the discrete Lyapunov equation
 *   C = A C Aᵀ + ε²Σ), which exists only when every |a_i| < 1, i.e. 0 < λ_i < 2/ε;
 * - the expected sample covariance of a finite window: from δ₀ at step 0, `settle` steps, then S
 *   samples every s steps (t_j = settle + j·s, j = 1…S). Means m̃_i(t) = a_i^t δ̃₀_i − ε g̃_i G(a_i, t)
 *   and noise covariances C̃_ij(t) = ε² Σ̃_ij G(a_i a_j, t), G(q, t) = Σ_{k<t} q^k, with
 *   Cov(z̃_i(t + τ), z̃_j(t)) = a_i^τ C̃_ij(t), give
 *   E Ŝ = [Σ_j (m_j − m̄)(m_j − m̄)ᵀ + Σ_j C(t_j) − (1/S) Σ_{j,l} Cov(z(t_j), z(t_l))] / (S − 1).
 * The model is linear and its noise additive: curvature that changes across the window and the
 * mask-dependent part of the Hessian (multiplicative noise) are left out.
 */
import { checkInt, checkPositive, checkVector } from '../backend/validate.js';
import { ArgumentError } from '../errors.js';
import { symmetricEigen } from '../linalg/index.js';
import { SME_METHODS, type SmeMethod } from '../sme/path-options.js';

/** The linearised dynamics in a K-dimensional basis. */
export interface LinearSystem {
  /** K, the basis size. */
  k: number;
  /** Learning rate ε. */
  lr: number;
  /** H_K = PᵀHP, K × K row-major (symmetrised: an HVP-built matrix is symmetric only to rounding). */
  curvature: ArrayLike<number>;
  /** Σ_K = PᵀΣP, K × K row-major, symmetric. */
  noise: ArrayLike<number>;
  /** g_K = Pᵀ∇L_S(θ̄) (default 0). */
  gradient?: ArrayLike<number>;
  /**
   * Covariance of the estimate of g_K (K × K; e.g. Σ_K/M for a mean of M mask gradients). Its
   * contribution to the drift term of a window is subtracted, so that term is unbiased in g gᵀ.
   */
  gradientCovariance?: ArrayLike<number>;
}

/** When the window's samples are taken, in steps from the start state δ₀. */
export interface WindowSchedule {
  /** Steps before the first sampling interval (compareNoise's burnIn). */
  settle: number;
  /** Samples S ≥ 2 and their spacing s ≥ 1: samples after steps settle + s, …, settle + S·s. */
  samples: number;
  every: number;
}

export interface StationaryCovariance {
  /** Eigenvalues of H_K, ascending. */
  eigenvalues: Float64Array;
  /** The eigenvalues with |1 − ελ| ≥ 1 (λ ≤ 0 or λ ≥ 2/ε): no stationary covariance when any. */
  unstable: number[];
  /** The stationary covariance (K × K) and mean −H_K⁻¹g_K, or null when unstable. */
  covariance: Float64Array | null;
  mean: Float64Array | null;
}

export interface WindowCovariance {
  /** The window's expected sample covariance, K × K. */
  covariance: Float64Array;
  /** Its expected sample mean, relative to θ̄ (K). */
  mean: Float64Array;
}

export interface LinearResponse extends StationaryCovariance {
  window: WindowCovariance;
}

/** H_K's eigen-decomposition and the system in its eigenbasis. */
interface Modes {
  k: number;
  lr: number;
  lambda: Float64Array;
  /** a_i = 1 − ελ_i. */
  a: Float64Array;
  /** U, column j the eigenvector of λ_j (row-major K × K). */
  u: Float64Array;
  sigma: Float64Array;
  g: Float64Array;
  gCov: Float64Array | null;
}

function checkSystem(s: LinearSystem): { k: number; lr: number } {
  if (s === null || typeof s !== 'object') throw new ArgumentError('system', 'an object with k, lr, curvature and noise', s);
  const k = checkInt('system.k', s.k, 1, 4096);
  const lr = checkPositive('system.lr', s.lr);
  checkVector('system.curvature', s.curvature, k * k);
  checkVector('system.noise', s.noise, k * k);
  for (let i = 0; i < k; i++) {
    if (!(s.noise[i * k + i]! >= 0)) throw new ArgumentError('system.noise', 'a covariance (non-negative diagonal)', `${s.noise[i * k + i]} at (${i}, ${i})`);
  }
  if (s.gradient !== undefined) checkVector('system.gradient', s.gradient, k);
  if (s.gradientCovariance !== undefined) checkVector('system.gradientCovariance', s.gradientCovariance, k * k);
  return { k, lr };
}

/** UᵀMU for a symmetric K × K matrix M (symmetrised first). */
function toModesMatrix(m: ArrayLike<number>, u: Float64Array, k: number): Float64Array {
  const sym = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) sym[i * k + j] = (m[i * k + j]! + m[j * k + i]!) / 2;
  const mu = new Float64Array(k * k), out = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
    let s = 0;
    for (let t = 0; t < k; t++) s += sym[i * k + t]! * u[t * k + j]!;
    mu[i * k + j] = s;
  }
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
    let s = 0;
    for (let t = 0; t < k; t++) s += u[t * k + i]! * mu[t * k + j]!;
    out[i * k + j] = s;
  }
  return out;
}

/** U M̃ Uᵀ: back from the eigenbasis. */
function fromModesMatrix(m: Float64Array, u: Float64Array, k: number): Float64Array {
  const um = new Float64Array(k * k), out = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
    let s = 0;
    for (let t = 0; t < k; t++) s += u[i * k + t]! * m[t * k + j]!;
    um[i * k + j] = s;
  }
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
    let s = 0;
    for (let t = 0; t < k; t++) s += um[i * k + t]! * u[j * k + t]!;
    out[i * k + j] = s;
  }
  return out;
}

function toModesVector(v: ArrayLike<number> | undefined, u: Float64Array, k: number): Float64Array {
  const out = new Float64Array(k);
  if (!v) return out;
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let t = 0; t < k; t++) s += u[t * k + j]! * v[t]!;
    out[j] = s;
  }
  return out;
}

async function modes(s: LinearSystem): Promise<Modes> {
  const { k, lr } = checkSystem(s);
  const eig = await symmetricEigen(Float64Array.from(s.curvature), k, { symmetrize: true });
  const u = eig.vectors;
  return {
    k, lr, lambda: eig.values, a: eig.values.map((l) => 1 - lr * l), u,
    sigma: toModesMatrix(s.noise, u, k), g: toModesVector(s.gradient, u, k),
    gCov: s.gradientCovariance ? toModesMatrix(s.gradientCovariance, u, k) : null,
  };
}

/** 1 − a_i a_j = ε(λ_i + λ_j) − ε²λ_iλ_j, without the cancellation of forming a_i a_j first. */
function oneMinusProduct(m: Modes, i: number, j: number): number {
  const li = m.lambda[i]!, lj = m.lambda[j]!;
  return m.lr * (li + lj) - m.lr * m.lr * li * lj;
}

/**
 * G(q, t) = Σ_{k<t} q^k with 1 − q given: expm1/log1p keep it accurate for q near 1 (the flat
 * directions, where 1 − q^t cancels), and G = t at q = 1 (a random walk).
 */
export function geometricSum(q: number, oneMinusQ: number, t: number): number {
  if (t === 0) return 0;
  if (oneMinusQ === 0) return t;
  if (q > 0) return -Math.expm1(t * Math.log1p(-oneMinusQ)) / oneMinusQ;
  return (1 - q ** t) / oneMinusQ;
}

function stationaryFromModes(m: Modes): StationaryCovariance {
  const { k, lr } = m;
  const unstable = Array.from(m.lambda).filter((l) => !(Math.abs(1 - lr * l) < 1));
  if (unstable.length) return { eigenvalues: m.lambda, unstable, covariance: null, mean: null };
  const c = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) c[i * k + j] = (lr * lr * m.sigma[i * k + j]!) / oneMinusProduct(m, i, j);
  const meanModes = Float64Array.from(m.g, (g, i) => -g / m.lambda[i]!);
  const mean = new Float64Array(k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) mean[i]! += m.u[i * k + j]! * meanModes[j]!;
  return { eigenvalues: m.lambda, unstable, covariance: fromModesMatrix(c, m.u, k), mean };
}

function checkSchedule(w: WindowSchedule): WindowSchedule {
  if (w === null || typeof w !== 'object') throw new ArgumentError('schedule', 'an object with settle, samples and every', w);
  return {
    settle: checkInt('schedule.settle', w.settle, 0, 1e9),
    samples: checkInt('schedule.samples', w.samples, 2, 1 << 20),
    every: checkInt('schedule.every', w.every, 1, 1e9),
  };
}

function windowFromModes(m: Modes, start: ArrayLike<number>, w: WindowSchedule): WindowCovariance {
  const { k, lr } = m, S = w.samples;
  const d0 = toModesVector(start, m.u, k);
  const times = Array.from({ length: S }, (_, j) => w.settle + (j + 1) * w.every);
  // Mean path m̃_i(t_j) and its drift factor −εG(a_i, t_j), per mode.
  const mean = new Float64Array(S * k), drift = new Float64Array(S * k);
  for (let j = 0; j < S; j++) for (let i = 0; i < k; i++) {
    const gi = -lr * geometricSum(m.a[i]!, lr * m.lambda[i]!, times[j]!);
    drift[j * k + i] = gi;
    mean[j * k + i] = m.a[i]! ** times[j]! * d0[i]! + gi * m.g[i]!;
  }
  const centre = (x: Float64Array) => {
    const avg = new Float64Array(k);
    for (let j = 0; j < S; j++) for (let i = 0; i < k; i++) avg[i]! += x[j * k + i]! / S;
    for (let j = 0; j < S; j++) for (let i = 0; i < k; i++) x[j * k + i]! -= avg[i]!;
    return avg;
  };
  const meanAvg = centre(mean);
  centre(drift);
  // P_i[n] = Σ_{r<n} a_i^{r·s}: the lag sums of the cross-time covariances.
  const lagSums = new Float64Array(k * (S + 1));
  for (let i = 0; i < k; i++) {
    const r = m.a[i]! ** w.every;
    let pow = 1;
    for (let n = 1; n <= S; n++) {
      lagSums[i * (S + 1) + n] = lagSums[i * (S + 1) + n - 1]! + pow;
      pow *= r;
    }
  }
  const c = new Float64Array(k * k);
  for (let a = 0; a < k; a++) for (let b = a; b < k; b++) {
    const q = m.a[a]! * m.a[b]!, omq = oneMinusProduct(m, a, b), noise = lr * lr * m.sigma[a * k + b]!;
    let path = 0, diag = 0, cross = 0, gErr = 0;
    for (let j = 0; j < S; j++) {
      path += mean[j * k + a]! * mean[j * k + b]!;
      if (m.gCov) gErr += drift[j * k + a]! * drift[j * k + b]! * m.gCov[a * k + b]!;
      const ct = noise * geometricSum(q, omq, times[j]!);
      diag += ct;
      // Σ over l ≥ j of a_a^{t_l − t_j} and over l > j of a_b^{t_l − t_j}, times C̃(t_j).
      cross += ct * (lagSums[a * (S + 1) + S - j]! + lagSums[b * (S + 1) + S - j]! - 1);
    }
    const v = (path - gErr + diag - cross / S) / (S - 1);
    c[a * k + b] = v;
    c[b * k + a] = v;
  }
  const meanBasis = new Float64Array(k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) meanBasis[i]! += m.u[i * k + j]! * meanAvg[j]!;
  return { covariance: fromModesMatrix(c, m.u, k), mean: meanBasis };
}

/** The stationary covariance of the linear recursion, or the eigenvalues that rule it out. */
export async function stationaryCovariance(system: LinearSystem): Promise<StationaryCovariance> {
  return stationaryFromModes(await modes(system));
}

/**
 * The stationary covariance of an SME's Ornstein–Uhlenbeck linearisation near θ̄ (docs/math.md
 * §4.7): dΘ = −A(Θ − θ̄ + H⁻¹g)dt + √ε B dW with, in H_K's eigenbasis,
 *   'sme1':  A = H,               BBᵀ = Σ;
 *   'sme2':  A = H + (ε/2)H²,     BBᵀ = Σ;
 *   'sme2c': A = H + (ε/2)H²,     BBᵀ = (I + (ε/2)H) Σ (I + (ε/2)H)  (the implemented noise (I + (ε/2)H)ζ).
 * A C + C A = ε BBᵀ gives C̃_ij = ε M̃_ij / (a_i + a_j); it exists when every a_i > 0. Set beside
 * dropout GD's discrete Lyapunov solution (`stationaryCovariance`) it shows each SME's error near a
 * minimum: O(ε²) for orders 1 and 2, O(ε³) for 'sme2c'.
 */
export async function smeStationaryCovariance(system: LinearSystem, method: SmeMethod): Promise<StationaryCovariance> {
  if (!(SME_METHODS as readonly unknown[]).includes(method)) throw new ArgumentError('method', SME_METHODS.map((m) => `'${m}'`).join(', '), method);
  const m = await modes(system);
  const { k, lr } = m;
  const rate = Float64Array.from(m.lambda, (l) => (method === 'sme1' ? l : l * (1 + (lr * l) / 2)));
  const unstable = Array.from(m.lambda).filter((_, i) => !(rate[i]! > 0));
  if (unstable.length) return { eigenvalues: m.lambda, unstable, covariance: null, mean: null };
  const factor = Float64Array.from(m.lambda, (l) => (method === 'sme2c' ? 1 + (lr * l) / 2 : 1));
  const c = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) c[i * k + j] = (lr * factor[i]! * factor[j]! * m.sigma[i * k + j]!) / (rate[i]! + rate[j]!);
  const meanModes = Float64Array.from(m.g, (g, i) => -g / m.lambda[i]!);
  const mean = new Float64Array(k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) mean[i]! += m.u[i * k + j]! * meanModes[j]!;
  return { eigenvalues: m.lambda, unstable, covariance: fromModesMatrix(c, m.u, k), mean };
}

/** The expected sample covariance (and mean) of a window of the linear process started at δ₀. */
export async function windowCovariance(system: LinearSystem, start: ArrayLike<number>, schedule: WindowSchedule): Promise<WindowCovariance> {
  const w = checkSchedule(schedule);
  const m = await modes(system);
  checkVector('start', start, m.k);
  return windowFromModes(m, start, w);
}

/** Both: the stationary covariance (when it exists) and the window's expected sample covariance. */
export async function linearResponse(system: LinearSystem, start: ArrayLike<number>, schedule: WindowSchedule): Promise<LinearResponse> {
  const w = checkSchedule(schedule);
  const m = await modes(system);
  checkVector('start', start, m.k);
  return { ...stationaryFromModes(m), window: windowFromModes(m, start, w) };
}

/** The diagonal of a K × K covariance: the variances along the basis directions. */
export function basisVariances(c: ArrayLike<number>, k: number): Float64Array {
  return Float64Array.from({ length: k }, (_, i) => c[i * k + i]!);
}
