/**
 * What every benchmark shares: the JSON row format, the command-line flags, and a logger that is
 * silent under --json (which must print only the JSON array).
 */
export interface Row {
  name: string;
  backend: string;
  value: number;
  unit: string;
  peer: string;
  peerValue: number;
  ratio: number;
}

export const argv: string[] = (globalThis as { process?: { argv?: string[] } }).process?.argv ?? [];
export const JSON_OUT = argv.includes('--json');
export const QUICK = argv.includes('--quick');
export const NO_CAP = argv.includes('--no-cap');
export const NO_WEBGPU = argv.includes('--no-webgpu');

export const log = (s: string): void => {
  if (!JSON_OUT) console.log(s);
};
