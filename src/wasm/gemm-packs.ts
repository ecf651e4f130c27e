/**
 * Packed forms of read-only tensors for the WASM gemm. A read-only operand (the data x, in every
 * x·Wᵀ of a forward pass and every δᵀ·x of a weight gradient) is packed into the gemm's panels,
 * with their nonzero-step lists, once per way it is used (assembly/gemm.ts gemmPack), and the
 * gemm then reads those panels instead of packing and listing the same values on every call: the
 * same values in the same panels, so the same sums to the bit. On 2 threads, for 10,000 digits,
 * x·W₀ᵀ went from 22.1 to 20.0 ms and δ₀ᵀx from 19.5 to 14.9 ms (README).
 */
import type { Allocator } from './allocator.js';
import type { Kernels } from './variants.js';

/** Which operand: op(A) (panels of rows) or op(B) (panels of columns), as gemmPack's role. */
export const ROLE_A = 0;
export const ROLE_B = 1;

/** How a gemm reads the operand: everything its packed panels depend on. */
export interface PackUse {
  role: typeof ROLE_A | typeof ROLE_B;
  /** Byte pointer of the operand's first element as the call reads it. */
  ptr: number;
  ld: number;
  trans: boolean;
  /** Rows of op(A) (role A) or columns of op(B) (role B), and the inner dimension. */
  rows: number;
  k: number;
}

/** A packed operand: its panels start at ptr, panelBytes apart, each `width` rows (or columns) wide. */
export interface Packed {
  ptr: number;
  panelBytes: number;
  width: number;
}

/** Ways one tensor may be kept packed at once (x is read as op(A) and as op(B)). */
const MAX_FORMS = 4;

export class GemmPacks {
  private readonly forms = new Map<object, Array<Packed & { key: string }>>();

  constructor(private readonly k: Kernels, private readonly alloc: Allocator, private readonly widths: [number, number]) {}

  /** The packed form of `tensor` for `use`, made on first use; null once MAX_FORMS are kept. */
  get(tensor: object, use: PackUse): Packed | null {
    const key = `${use.role}:${use.ptr}:${use.ld}:${+use.trans}:${use.rows}:${use.k}`;
    let list = this.forms.get(tensor);
    const found = list?.find((f) => f.key === key);
    if (found) return found;
    if (list && list.length >= MAX_FORMS) return null;
    const width = this.widths[use.role];
    const panelBytes = this.k.gemmPackPanelBytes(use.role, use.k);
    const ptr = this.alloc.alloc(Math.ceil(use.rows / width) * panelBytes);
    this.k.gemmPack(use.role, use.ptr, use.ld, +use.trans, use.rows, use.k, ptr);
    const form = { key, ptr, panelBytes, width };
    if (!list) this.forms.set(tensor, (list = []));
    list.push(form);
    return form;
  }

  /** Frees the forms of a tensor being disposed. */
  release(tensor: object): void {
    for (const f of this.forms.get(tensor) ?? []) this.alloc.release(f.ptr);
    this.forms.delete(tensor);
  }
}
