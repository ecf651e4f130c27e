/**
 * Log axes that fit the data: a domain padded by a factor (vega's "nice" log domain jumps to the
 * next decades and leaves most of the plot empty) and tick values at powers of ten, with 2 and 5
 * in between when fewer than three powers of ten fall inside.
 */

export function logDomain(values: number[], pad = 1.4): [number, number] {
  const v = values.filter((x) => Number.isFinite(x) && x > 0);
  const lo = Math.min(...v), hi = Math.max(...v);
  return [lo / pad, hi * pad];
}

export function logTicks([lo, hi]: [number, number]): number[] {
  const from = Math.floor(Math.log10(lo)), to = Math.ceil(Math.log10(hi));
  const ticks = (steps: number[]) => {
    const out: number[] = [];
    for (let e = from; e <= to; e++) for (const m of steps) {
      const t = Number((m * 10 ** e).toPrecision(12));
      if (t >= lo && t <= hi) out.push(t);
    }
    return out;
  };
  const decades = ticks([1]);
  return decades.length >= 3 ? decades : ticks([1, 2, 5]);
}

/** Vega-Lite scale and axis properties of a padded log axis over `values`. */
export function logAxis(values: number[], format: string, pad = 1.4) {
  const domain = logDomain(values, pad);
  return { scale: { type: 'log', domain, nice: false }, axis: { values: logTicks(domain), format } } as const;
}
