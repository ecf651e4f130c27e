#!/usr/bin/env node
/**
 * The command line: `dropout-sme <command> [options]`, options parsed with node:util's parseArgs.
 * Errors in plain words on stderr, one line each: exit status 2 for bad input and file-system
 * errors, 1 for a failure while computing, 130 / 143 when stopped by SIGINT / SIGTERM (finished
 * work is kept; --resume continues).
 */
import { ArgumentError, DropoutSmeError } from '../errors.js';
import { errnoCode, FileError, Interrupted } from './cli-errors.js';
import { SECTIONS, type SectionName } from '../experiments/index.js';
import { demoCommand } from './demo-command.js';
import { experimentCommand, experimentHelp } from './experiment-command.js';
import { hessianCommand } from './hessian-command.js';
import { mergeCommand } from './merge-command.js';
import { trainCommand } from './train-command.js';

interface Command { what: string; run: (argv: string[]) => Promise<void> }

const experiment = (name: string, what: string, sections: SectionName[]): Command =>
  ({ what, run: (argv) => experimentCommand(name, what, sections, argv) });

/** Each command: what it does (its line in the help) and how it runs. */
const COMMANDS: Record<string, Command> = {
  reproduce: experiment('reproduce', "the paper's experiments on the embedded data: report.html, results.json, arrays (default)",
    [...SECTIONS]),
  sme: experiment('sme', 'dropout GD against its SME: loss bands, weak order, the ε × p sweep', ['sme', 'weakOrder', 'sweep']),
  flatness: experiment('flatness', 'the inverse variance–flatness relation, dropout and SGD, trajectory and gradient samples', ['flatness']),
  align: experiment('align', 'the Hessian–variance alignment over training, and noise variance along eigenvectors', ['alignment']),
  train: { what: 'train a dropout MLP; writes params.npy', run: trainCommand },
  hessian: { what: 'Hessian eigenpairs, trace and spectral density at given parameters', run: hessianCommand },
  merge: { what: 'combine the partial results of --shard runs', run: mergeCommand },
  demo: { what: 'show the backend in use and a verified GEMM', run: demoCommand },
};

const HELP = `dropout-sme — dropout training, its stochastic modified equation, and the structure of dropout noise

Usage: dropout-sme <command> [options]        (dropout-sme <command> --help for its options)

Commands:
${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(12)}${c.what}`).join('\n')}
`;

async function main(argv: string[]): Promise<void> {
  const [first, ...rest] = argv;
  if (first === undefined || first.startsWith('-')) {
    if (first === '-h' || first === '--help') {
      process.stdout.write(HELP + '\n' + experimentHelp('reproduce', COMMANDS.reproduce!.what, SECTIONS));
      return;
    }
    return COMMANDS.reproduce!.run(argv);
  }
  const command = COMMANDS[first];
  if (!command) throw new ArgumentError('command', Object.keys(COMMANDS).join(', '), first);
  await command.run(rest);
}

/**
 * One line on stderr for every expected failure, with its exit status: 2 for bad input and for
 * file-system errors (the path named), 1 for a failure while computing (divergence, memory),
 * 130 / 143 for SIGINT / SIGTERM. Only an unexpected error (a bug) prints its stack.
 */
function fail(err: unknown): void {
  const parseError = err instanceof Error && 'code' in err && String((err as { code: unknown }).code).startsWith('ERR_PARSE_ARGS');
  if (err instanceof Interrupted) {
    console.error(`dropout-sme: ${err.message}`);
    process.exit(err.exitCode);
  }
  const code = errnoCode(err);
  if (code && !(err instanceof DropoutSmeError)) {
    // A file-system error no command wrapped: Node's message names the call and the path.
    console.error(`dropout-sme: ${(err as Error).message}`);
    process.exitCode = 2;
    return;
  }
  if (err instanceof RangeError && /out of memory|allocation failed|Invalid typed array length|Array buffer/i.test(err.message)) {
    console.error(`dropout-sme: out of memory (${err.message}); use smaller settings`);
    process.exitCode = 1;
    return;
  }
  const known = err instanceof DropoutSmeError || parseError;
  console.error(`dropout-sme: ${known ? (err as Error).message : (err as Error)?.stack ?? err}`);
  process.exitCode = err instanceof ArgumentError || err instanceof FileError || parseError ? 2 : 1;
}

main(process.argv.slice(2)).catch(fail);
