/**
 * The lab's form: the experiment, preset, seed and backend, a few key settings per experiment
 * (empty means the preset's value, shown as the placeholder) and free JSON overrides. The URL may
 * preset any of them: ?preset=quick&sections=sme&seed=3&backend=wasm&simd=simd&config={...}.
 */
import type { WasmBuild } from './messages.js';
import { ArgumentError, type BackendRequest } from 'dropout-sme';
import { parseConfigText, reproduceConfig, SECTIONS, type PresetName, type SectionName } from 'dropout-sme/reproduce';

interface Knob {
  section: SectionName;
  label: string;
  /** Path into the configuration, e.g. sme.net.keep. */
  path: string;
  list?: boolean;
}

const KNOBS: Knob[] = [
  { section: 'sme', label: 'keep p', path: 'sme.net.keep' },
  { section: 'sme', label: 'learning rate', path: 'sme.lr' },
  { section: 'sme', label: 'steps', path: 'sme.steps' },
  { section: 'sme', label: 'paths', path: 'sme.paths' },
  { section: 'weakOrder', label: 'keep p', path: 'weakOrder.net.keep' },
  { section: 'weakOrder', label: 'learning rates', path: 'weakOrder.lrs', list: true },
  { section: 'weakOrder', label: 'times T (one per regime)', path: 'weakOrder.times', list: true },
  { section: 'weakOrder', label: 'SME paths (even)', path: 'weakOrder.paths' },
  { section: 'weakOrder', label: 'dropout-GD paths', path: 'weakOrder.gdPaths' },
  { section: 'weakOrder', label: 'integrator step h', path: 'weakOrder.step' },
  { section: 'sweep', label: 'keep probabilities', path: 'sweep.keeps', list: true },
  { section: 'sweep', label: 'learning rates', path: 'sweep.lrs', list: true },
  { section: 'sweep', label: 'SME paths (even)', path: 'sweep.paths' },
  { section: 'sweep', label: 'dropout-GD paths', path: 'sweep.gdPaths' },
  { section: 'flatness', label: 'keep probabilities', path: 'flatness.keeps', list: true },
  { section: 'flatness', label: 'learning rate', path: 'flatness.lr' },
  { section: 'flatness', label: 'burn-in steps', path: 'flatness.burnIn' },
  { section: 'flatness', label: 'samples', path: 'flatness.samples' },
  { section: 'alignment', label: 'keep p', path: 'alignment.net.keep' },
  { section: 'alignment', label: 'learning rate', path: 'alignment.lr' },
  { section: 'alignment', label: 'steps', path: 'alignment.steps' },
  { section: 'alignment', label: 'noise samples', path: 'alignment.samples' },
];

export const SECTION_TITLES: Record<SectionName, string> = {
  sme: 'SME curves', weakOrder: 'Weak order', sweep: 'Keep × learning-rate sweep', flatness: 'Variance–flatness', alignment: 'Hessian–noise alignment',
};

export interface Settings {
  preset: PresetName;
  seed: number;
  backend: BackendRequest;
  simd: WasmBuild;
  sections: SectionName[];
  config: Record<string, unknown>;
}

const field = <T extends HTMLElement>(form: HTMLFormElement, name: string) => form.elements.namedItem(name) as unknown as T;

/** Adds the settings' inputs, grouped by experiment, and fills the form from the URL. */
export function setUpForm(form: HTMLFormElement, url: URL): void {
  const box = form.querySelector('#knobs')!;
  for (const section of SECTIONS) {
    const group = document.createElement('div');
    group.className = 'knob-group';
    group.dataset.section = section;
    group.innerHTML = `<h3>${SECTION_TITLES[section]}</h3>`;
    for (const k of KNOBS.filter((x) => x.section === section)) {
      const label = document.createElement('label');
      label.textContent = k.label + (k.list ? ' (comma-separated)' : '');
      const input = document.createElement('input');
      input.name = k.path;
      input.inputMode = 'decimal';
      if (k.list) input.className = 'list';
      label.append(input);
      group.append(label);
    }
    box.append(group);
  }
  for (const name of ['preset', 'seed', 'backend', 'simd', 'sections', 'config']) {
    const v = url.searchParams.get(name);
    if (v !== null) field<HTMLInputElement>(form, name).value = v;
  }
  if (url.searchParams.get('config')) form.querySelector('details')!.open = true;
  const refresh = () => showDefaults(form);
  field<HTMLSelectElement>(form, 'preset').addEventListener('change', refresh);
  field<HTMLSelectElement>(form, 'sections').addEventListener('change', refresh);
  field<HTMLInputElement>(form, 'seed').addEventListener('change', refresh);
  refresh();
}

const at = (obj: unknown, path: string): unknown => path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], obj);

/** Shows the groups of the chosen experiments, with the preset's values as placeholders. */
function showDefaults(form: HTMLFormElement): void {
  const chosen = chosenSections(form);
  for (const g of form.querySelectorAll<HTMLElement>('.knob-group')) g.hidden = !chosen.includes(g.dataset.section as SectionName);
  let defaults: unknown;
  try {
    defaults = reproduceConfig({ preset: field<HTMLSelectElement>(form, 'preset').value as PresetName, seed: 1 });
  } catch {
    return;
  }
  for (const k of KNOBS) {
    const v = at(defaults, k.path);
    field<HTMLInputElement>(form, k.path).placeholder = Array.isArray(v) ? v.join(', ') : String(v);
  }
}

function chosenSections(form: HTMLFormElement): SectionName[] {
  const v = field<HTMLSelectElement>(form, 'sections').value;
  return v === 'all' ? [...SECTIONS] : [v as SectionName];
}

/** Sets `value` at `path`, creating objects on the way. */
function put(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let o = obj;
  for (const k of keys.slice(0, -1)) {
    if (o[k] === null || typeof o[k] !== 'object' || Array.isArray(o[k])) o[k] = {};
    o = o[k] as Record<string, unknown>;
  }
  o[keys[keys.length - 1]!] = value;
}

/**
 * The settings the form holds, validated by the package (reproduceConfig), so a bad value throws
 * its ArgumentError, naming the setting, before anything runs.
 */
export function readSettings(form: HTMLFormElement): Settings {
  const text = field<HTMLTextAreaElement>(form, 'config').value.trim();
  const config = text ? parseConfigText(text, 'overrides (JSON)') : {};
  for (const k of KNOBS) {
    const raw = field<HTMLInputElement>(form, k.path).value.trim();
    if (!raw || !chosenSections(form).includes(k.section)) continue;
    put(config, k.path, k.list ? raw.split(/[\s,]+/).filter(Boolean).map(Number) : Number(raw));
  }
  const seedText = field<HTMLInputElement>(form, 'seed').value.trim();
  const settings: Settings = {
    preset: field<HTMLSelectElement>(form, 'preset').value as PresetName,
    seed: seedText === '' ? 1 : Number(seedText),
    backend: field<HTMLSelectElement>(form, 'backend').value as BackendRequest,
    simd: field<HTMLSelectElement>(form, 'simd').value as WasmBuild,
    sections: chosenSections(form),
    config,
  };
  if (!settings.sections.every((s) => SECTIONS.includes(s))) throw new ArgumentError('experiment', `all or one of ${SECTIONS.join(', ')}`, settings.sections[0]);
  reproduceConfig(settings);
  return settings;
}
