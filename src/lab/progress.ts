/**
 * The progress bar: the share of the estimated work done (units' cost estimates) and the time
 * left, extrapolated from the rate measured so far in this run.
 */
export class ProgressView {
  #start = 0;

  constructor(readonly bar: HTMLProgressElement, readonly text: HTMLElement) {}

  start(): void {
    this.#start = performance.now();
    this.bar.value = 0;
    this.text.textContent = 'starting…';
  }

  update(done: number, total: number): void {
    const f = total > 0 ? Math.min(1, done / total) : 0;
    this.bar.value = f;
    const elapsed = (performance.now() - this.#start) / 1000;
    const left = f > 0.02 && elapsed > 1 ? (elapsed * (1 - f)) / f : null;
    this.text.textContent = `${Math.round(f * 100)} %` + (left === null ? '' : ` · about ${duration(left)} left`);
  }

  finish(message: string): void {
    this.bar.value = 1;
    this.text.textContent = `${message} in ${duration((performance.now() - this.#start) / 1000)}`;
  }
}

function duration(s: number): string {
  if (s < 90) return `${Math.max(1, Math.round(s))} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}
