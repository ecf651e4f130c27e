/**
 * The flat parameter layout of an MLP (docs/architecture.md §4): for each layer, W (out × in, row-major), then b
 * (out) when biases are on. Layer l maps sizes[l] → sizes[l+1].
 */

/** Where one layer's W and b lie in θ. */
export interface LayerLayout {
  /** Inputs of the layer (columns of W). */
  inDim: number;
  /** Outputs of the layer (rows of W, length of b). */
  outDim: number;
  /** Offset of W in the flat vector. */
  wOffset: number;
  /** Offset of b, or -1 without biases. */
  bOffset: number;
}

/** The flat parameter layout of an MLP (`model.layout`). */
export interface MlpLayout {
  /** Layer sizes [in, hidden…, out]. */
  sizes: readonly number[];
  /** One entry per layer (sizes.length − 1). */
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
