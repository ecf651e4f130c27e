/**
 * The flat parameter layout of an MLP (DESIGN.md): for each layer, W (out × in, row-major), then b
 * (out) when biases are on. Layer l maps sizes[l] → sizes[l+1].
 */
export interface LayerLayout {
  inDim: number;
  outDim: number;
  /** Offset of W in the flat vector. */
  wOffset: number;
  /** Offset of b, or -1 without biases. */
  bOffset: number;
}

export interface MlpLayout {
  sizes: readonly number[];
  layers: LayerLayout[];
  /** Total number of parameters D. */
  size: number;
}

export function mlpLayout(sizes: readonly number[], bias: boolean): MlpLayout {
  const layers: LayerLayout[] = [];
  let offset = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const inDim = sizes[l]!, outDim = sizes[l + 1]!;
    const wOffset = offset;
    offset += inDim * outDim;
    const bOffset = bias ? offset : -1;
    if (bias) offset += outDim;
    layers.push({ inDim, outDim, wOffset, bOffset });
  }
  return { sizes, layers, size: offset };
}
