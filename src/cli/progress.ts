/**
 * A progress bar with the time left, on stderr: redrawn in place on a terminal, a plain line at
 * most every 15 s otherwise (logs, CI). The estimate is the elapsed time scaled by the work left,
 * the units' cost estimates measuring work, so it corrects itself on slower or faster machines.
 */
import type { Progress } from '../experiments/runner.js';

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr): { update(p: Progress): void; end(): void } {
  const start = Date.now(), tty = !!stream.isTTY;
  let startDone: number | null = null, lastLine = 0, lastText = '';
  return {
    update(p) {
      startDone ??= p.done; // work already checkpointed does not count towards the rate
      const frac = p.total > 0 ? Math.min(1, p.done / p.total) : 1;
      const elapsed = (Date.now() - start) / 1000, worked = p.done - startDone;
      const left = worked > 0 && elapsed > 2 ? (elapsed / worked) * (p.total - p.done) : p.total - p.done;
      const width = 28, fill = Math.round(frac * width);
      const unit = p.unit.length > 48 ? `…${p.unit.slice(-47)}` : p.unit;
      const text = `${label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${(frac * 100).toFixed(0).padStart(3)}% · ${formatDuration(left)} left · ${unit}`;
      if (tty) {
        if (text !== lastText) stream.write(`\r\x1b[2K${text}`);
      } else if (Date.now() - lastLine > 15000 || frac === 1) {
        stream.write(`${text}\n`);
        lastLine = Date.now();
      }
      lastText = text;
    },
    end() {
      if (tty && lastText) stream.write('\n');
      stream.write(`${label}: done in ${formatDuration((Date.now() - start) / 1000)}\n`);
    },
  };
}
