/**
 * Shader preprocessing: a .wgsl file holds `${NAME}` placeholders; `preprocess` splits it into the
 * strings/values arrays of a tagged template and hands them to `wgsl` from `wgsl-preprocessor`,
 * so `#if ${NAME}` … `#elif ${OTHER}` … `#else` … `#endif` select code and a bare `${NAME}` is
 * replaced by the value's text (numbers as integers or decimals, booleans as true/false).
 */
// The package has no main/exports entry: import its one file by path.
import { wgsl } from 'wgsl-preprocessor/wgsl-preprocessor.js';

export type Defines = Record<string, string | number | boolean>;

const PLACEHOLDER = /\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}/g;

/** Splits `source` at its placeholders: strings.length === values.length + 1, as a template tag gets. */
export function toTemplate(source: string, defines: Defines): { strings: string[]; values: (string | number | boolean)[] } {
  const strings: string[] = [];
  const values: (string | number | boolean)[] = [];
  let last = 0;
  for (const match of source.matchAll(PLACEHOLDER)) {
    const name = match[1]!;
    if (!Object.prototype.hasOwnProperty.call(defines, name)) {
      const line = source.slice(0, match.index).split('\n').length;
      throw new Error(`preprocess: unknown define \${${name}} at line ${line}; defined: ${Object.keys(defines).join(', ') || '(none)'}`);
    }
    strings.push(source.slice(last, match.index));
    values.push(defines[name]!);
    last = match.index! + match[0].length;
  }
  strings.push(source.slice(last));
  return { strings, values };
}

/** The shader text for `source` with `defines` applied. */
export function preprocess(source: string, defines: Defines = {}): string {
  const { strings, values } = toTemplate(source, defines);
  return wgsl(strings, ...values);
}

/** A stable cache key for a kernel name and its defines (order-independent). */
export function definesKey(name: string, defines: Defines): string {
  return `${name}(${Object.keys(defines).sort().map((k) => `${k}=${String(defines[k])}`).join(',')})`;
}
