// The generic Lanczos eigen-solver (internal: the public API applies it to model Hessians).
export { lanczosEigen as lanczosEigenForTests } from '../../src/curvature/eigen.js';
