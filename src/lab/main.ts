/**
 * The browser lab: choose an experiment and its settings, run it in a worker on WebGPU (or WASM,
 * saying why), watch the progress, see each section's figures as soon as its units are done, and
 * download results.json. The last results are also at window.__labResults (for tests and the
 * console), and window.__labState says 'idle' | 'running' | 'done' | 'error'.
 */
import { resultsText, type Results } from 'dropout-sme/reproduce';
import { readSettings, setUpForm } from './controls.js';
import { drawSection } from './figures.js';
import type { RunRequest, WorkerMessage } from './messages.js';
import { ProgressView } from './progress.js';

type LabGlobal = { __labResults?: Results | null; __labState?: string; __labBackend?: string };
const lab = globalThis as LabGlobal;
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const form = $<HTMLFormElement>('settings');
const figures = $('figures');
const errorBox = $('error');
const backendLine = $('backend');
const runButton = $<HTMLButtonElement>('run');
const stopButton = $<HTMLButtonElement>('stop');
const downloadButton = $<HTMLButtonElement>('download');
const progress = new ProgressView($<HTMLProgressElement>('bar'), $('progress-text'));
let worker: Worker | null = null;
lab.__labState = 'idle';
lab.__labResults = null;

setUpForm(form, new URL(location.href));
void describeWebGPU($('capability'));

function showError(message: string): void {
  errorBox.textContent = message;
  errorBox.hidden = false;
}

function setRunning(running: boolean): void {
  runButton.disabled = running;
  stopButton.disabled = !running;
  for (const el of form.querySelectorAll<HTMLInputElement>('fieldset, textarea')) el.disabled = running;
}

function stop(state: string): void {
  worker?.terminate();
  worker = null;
  lab.__labState = state;
  setRunning(false);
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  errorBox.hidden = true;
  let request: RunRequest;
  try {
    request = { type: 'run', ...readSettings(form) };
  } catch (err) {
    showError(`Bad setting: ${(err as Error).message}`);
    lab.__labState = 'error';
    return;
  }
  figures.replaceChildren();
  lab.__labResults = null;
  downloadButton.disabled = true;
  backendLine.textContent = `starting the ${request.backend} engine…`;
  setRunning(true);
  lab.__labState = 'running';
  progress.start();
  worker = new Worker(new URL('./lab-worker.js', import.meta.url), { type: 'module' });
  worker.onerror = (e) => { showError(`The worker failed: ${e.message}`); stop('error'); };
  worker.onmessage = (e: MessageEvent<WorkerMessage>) => void handle(e.data);
  worker.postMessage(request);
});

// Messages are handled one after another, so figures are drawn before 'done' is reported.
let queue = Promise.resolve();
function handle(m: WorkerMessage): Promise<void> {
  queue = queue.then(() => handleNow(m)).catch((err: unknown) => { showError(`Drawing failed: ${(err as Error).message}`); stop('error'); });
  return queue;
}

async function handleNow(m: WorkerMessage): Promise<void> {
  switch (m.type) {
    case 'backend':
      lab.__labBackend = m.backend;
      backendLine.textContent = m.backend === 'webgpu'
        ? `running on WebGPU: ${m.description.replace(/^WebGPU:\s*/, '')}`
        : `running on WASM (${m.description}): ${m.reason}`;
      break;
    case 'progress':
      progress.update(m.done, m.total);
      break;
    case 'section':
      await drawSection(figures, m.results, m.section);
      break;
    case 'done':
      lab.__labResults = m.results;
      downloadButton.disabled = false;
      progress.finish('done');
      stop('done');
      break;
    case 'error':
      showError(m.name === 'ArgumentError' ? `Bad setting: ${m.message}` : `${m.name}: ${m.message}`);
      progress.finish('stopped');
      stop('error');
      break;
  }
}

stopButton.addEventListener('click', () => {
  progress.finish('stopped');
  stop('idle');
});

downloadButton.addEventListener('click', () => {
  if (!lab.__labResults) return;
  const url = URL.createObjectURL(new Blob([resultsText(lab.__labResults)], { type: 'application/json' }));
  const a = Object.assign(document.createElement('a'), { href: url, download: 'results.json' });
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
});

/** Says up front whether this page has WebGPU (the worker's engine reports what it really uses). */
async function describeWebGPU(el: HTMLElement): Promise<void> {
  const gpu = (navigator as { gpu?: GPU }).gpu;
  let adapter: GPUAdapter | null = null;
  try {
    adapter = gpu ? await gpu.requestAdapter() : null;
  } catch {
    adapter = null;
  }
  if (!gpu) el.textContent = 'WebGPU is not available in this browser (no navigator.gpu): runs use WASM.';
  else if (!adapter) el.textContent = 'This browser has WebGPU but no adapter: runs use WASM.';
  else {
    const i = adapter.info;
    el.textContent = `WebGPU available: ${[i.vendor, i.architecture, i.description].filter(Boolean).join(' ') || 'an adapter'}.`;
  }
  el.dataset.webgpu = adapter ? 'yes' : 'no';
}
