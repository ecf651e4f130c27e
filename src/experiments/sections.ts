/** The experiments of each results.json section, built from a reproduction's configuration. */
import { SECTIONS, type SectionName } from '../report/results.js';
import { alignmentExperiment } from './alignment.js';
import { flatnessExperiment } from './flatness.js';
import type { ReproduceConfig } from './presets.js';
import { smeCurves } from './sme-curves.js';
import { sweepExperiment } from './sweep.js';
import type { Experiment } from './units.js';
import { weakOrderExperiment } from './weak-order.js';

export { SECTIONS, type SectionName };

/** The experiments of the given sections (default all) built from a configuration. */
export function experimentsFor(c: ReproduceConfig, sections: readonly SectionName[] = SECTIONS): Experiment[] {
  const build: Record<SectionName, () => Experiment> = {
    sme: () => smeCurves(c.sme),
    weakOrder: () => weakOrderExperiment(c.weakOrder),
    sweep: () => sweepExperiment(c.sweep),
    flatness: () => flatnessExperiment(c.flatness),
    alignment: () => alignmentExperiment(c.alignment),
  };
  return SECTIONS.filter((s) => sections.includes(s)).map((s) => build[s]());
}

/** Points every experiment at the user's data set (--data) instead of its default. */
export function withCustomData(c: ReproduceConfig): ReproduceConfig {
  const custom = <T extends { data: { n?: number } }>(e: T): T => ({ ...e, data: { source: 'custom', ...(e.data.n === undefined ? {} : { n: e.data.n }) } });
  return { ...c, sme: custom(c.sme), weakOrder: custom(c.weakOrder), sweep: custom(c.sweep), flatness: custom(c.flatness), alignment: custom(c.alignment) };
}

