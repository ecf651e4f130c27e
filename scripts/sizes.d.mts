// Types of scripts/sizes.mjs, for the TypeScript tests that import it.
export interface EntrySize {
  /** The import specifier, e.g. 'dropout-sme/mnist'. */
  entry: string;
  /** The entry's file, relative to the package root. */
  file: string;
  /** Every file a static import of the entry loads, relative to the package root. */
  files: string[];
  bytes: number;
  gzip: number;
}
export function staticFiles(file: string, seen?: Set<string>): Set<string>;
export function entrySizes(root: string): EntrySize[];
