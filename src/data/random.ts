/**
 * A small seeded generator for data preparation (splits, shuffles, synthetic tasks): sfc32
 * (Chris Doty-Humphrey's Small Fast Counting generator, 128-bit state, period ≥ 2^32) seeded by
 * splitmix32 from (seed, stream). It has nothing to do with the dropout masks, which come from the
 * counter hash in src/random/; this one only has to be deterministic and decent, and it never
 * touches Math.random.
 */
import { checkInt } from '../backend/validate.js';

/** A seeded generator for data preparation (sfc32; see {@link createRng}). */
export interface DataRng {
  /** A uniform 32-bit unsigned integer. */
  u32(): number;
  /** A uniform double in [0, 1) with 53 random bits. */
  float(): number;
  /** A uniform integer in [0, n), n ≤ 2^32. */
  int(n: number): number;
  /** A standard normal deviate (Box–Muller, both halves used). */
  normal(): number;
}

function splitmix32(state: number): [number, number] {
  state = (state + 0x9e3779b9) >>> 0;
  let z = state;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [state, (z ^ (z >>> 16)) >>> 0];
}

/** A generator for `seed` (an integer in [0, 2^32 − 1]); `stream` selects independent sequences. */
export function createRng(seed: number, stream = 0): DataRng {
  checkInt('seed', seed, 0, 0xffffffff);
  checkInt('stream', stream, 0, 0xffffffff);
  let s = (seed ^ Math.imul(stream, 0x632be5ab)) >>> 0;
  let a: number, b: number, c: number, d: number;
  [s, a] = splitmix32(s);
  [s, b] = splitmix32(s);
  [s, c] = splitmix32((s ^ stream) >>> 0);
  [s, d] = splitmix32(s);
  const u32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) u32(); // discard the first outputs, as sfc32's author recommends
  const float = (): number => ((u32() >>> 5) * 67108864 + (u32() >>> 6)) / 9007199254740992;
  let spare: number | null = null;
  return {
    u32,
    float,
    int: (n: number) => Math.floor(float() * n),
    normal: () => {
      if (spare !== null) {
        const v = spare;
        spare = null;
        return v;
      }
      const u = 1 - float(); // (0, 1]: log is finite
      const v = float();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
  };
}

/** In-place Fisher–Yates shuffle of an array of numbers (or a typed array) driven by rng; returns `a`. */
export function shuffleInPlace<T extends { length: number; [i: number]: number }>(a: T, rng: DataRng): T {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
  return a;
}
