// Types for the `wgsl-preprocessor` package (it ships none): a template tag handling
// #if/#elif/#else/#endif on interpolated values.
declare module 'wgsl-preprocessor/wgsl-preprocessor.js' {
  export function wgsl(strings: readonly string[] | TemplateStringsArray, ...values: unknown[]): string;
}
