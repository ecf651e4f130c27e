/**
 * A package-lock.json for a project that depends on this package's tarball alone, pinned to the
 * versions of the repository's own lock (the runtime dependencies and what they need, found as
 * Node resolves them in the lock's tree). With it `npm ci --offline` installs from the npm cache
 * that the repository's `npm ci` filled; a bare `npm install --offline <tarball>` would resolve
 * semver ranges against whatever packuments happen to be cached and fail (ENOTCACHED) or drift.
 */
interface LockEntry {
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [key: string]: unknown;
}
interface Manifest {
  name: string;
  version: string;
  license?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  bin?: Record<string, string>;
  engines?: Record<string, string>;
}

export function probeLockfile(
  repoLock: { packages: Record<string, LockEntry> }, manifest: Manifest, tarball: { file: string; integrity: string }, name: string,
): object {
  const packages = repoLock.packages;
  /** Where `dep`, required from the package at `from`, lives in the lock's tree (Node's lookup). */
  const locate = (from: string, dep: string): string => {
    for (let dir = from; ; dir = dir.slice(0, Math.max(0, dir.lastIndexOf('/node_modules')))) {
      const path = `${dir ? `${dir}/` : ''}node_modules/${dep}`;
      if (packages[path]) return path;
      if (!dir) throw new Error(`${dep} (needed by ${from || 'the package'}) is not in package-lock.json`);
    }
  };
  const reach = (deps: Record<string, string>, withOptional: boolean): Set<string> => {
    const seen = new Set<string>();
    const walk = (from: string, names: Record<string, string>) => {
      for (const dep of Object.keys(names)) {
        const path = locate(from, dep);
        if (seen.has(path)) continue;
        seen.add(path);
        const e = packages[path]!;
        const peers = Object.keys(e.peerDependencies ?? {}).filter((p) => !e.peerDependenciesMeta?.[p]?.optional);
        walk(path, { ...e.dependencies, ...Object.fromEntries(peers.map((p) => [p, '*'])), ...(withOptional ? e.optionalDependencies : {}) });
      }
    };
    walk('', deps);
    return seen;
  };
  const required = reach(manifest.dependencies ?? {}, false);
  const all = reach({ ...manifest.dependencies, ...manifest.optionalDependencies }, true);
  const spec = `file:${tarball.file}`;
  const out: Record<string, object> = {
    '': { name, dependencies: { [manifest.name]: spec } },
    [`node_modules/${manifest.name}`]: {
      version: manifest.version, resolved: spec, integrity: tarball.integrity, license: manifest.license,
      dependencies: manifest.dependencies, optionalDependencies: manifest.optionalDependencies, bin: manifest.bin, engines: manifest.engines,
    },
  };
  for (const path of [...all].sort()) {
    // The repository's flags (dev, devOptional, peer) describe its own tree; here only optional holds.
    const { dev: _d, devOptional: _o, optional: _p, peer: _r, ...entry } = packages[path]!;
    out[path] = required.has(path) ? entry : { ...entry, optional: true };
  }
  return { name, lockfileVersion: 3, requires: true, packages: out };
}
