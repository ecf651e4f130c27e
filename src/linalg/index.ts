// Small dense linear algebra in float64 (its own WebAssembly module, whichever backend is active):
// symmetric and tridiagonal eigen-decompositions, Gram matrices. Runtime-neutral (Node, Deno, browsers).
export {
  symmetricEigen, tridiagonalEigen, SYMMETRY_TOL,
  type EigenResult, type SymmetricEigenOptions, type TridiagonalEigenOptions,
} from './eigen.js';
export { gram } from './gram.js';
