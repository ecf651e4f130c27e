/**
 * The command line: `dropout-sme <command> [options]`, options parsed with node:util's parseArgs.
 * Errors in plain words on stderr, exit status 2 for bad input, 1 for a failure while computing,
 * 130 when interrupted (finished work is kept; --resume continues).
 */
import { ArgumentError, DropoutSmeError } from '../errors.js';
import { demoCommand } from './demo-command.js';
import { experimentCommand, experimentHelp } from './experiment-command.js';
import { hessianCommand } from './hessian-command.js';
import { mergeCommand } from './merge-command.js';
import { trainCommand } from './train-command.js';

const HELP = `dropout-sme — dropout training, its stochastic modified equation, and the structure of dropout noise

Usage: dropout-sme <command> [options]        (dropout-sme <command> --help for its options)

Commands:
  reproduce   the paper's experiments on the embedded data: report.html, results.json, arrays (default)
  sme         dropout GD against its SME: loss bands, weak order, the ε × p sweep
  flatness    the inverse variance–flatness relation, dropout and SGD, trajectory and gradient samples
  align       the Hessian–variance alignment over training, and noise variance along eigenvectors
  train       train a dropout MLP; writes params.npy
  hessian     Hessian eigenpairs, trace and spectral density at given parameters
  merge       combine the partial results of --shard runs
  demo        show the backend in use and a verified GEMM
`;

const COMMANDS: Record<string, (argv: string[]) => Promise<void>> = {
  reproduce: (a) => experimentCommand('reproduce', ['sme', 'weakOrder', 'sweep', 'flatness', 'alignment'], a),
  sme: (a) => experimentCommand('sme', ['sme', 'weakOrder', 'sweep'], a),
  flatness: (a) => experimentCommand('flatness', ['flatness'], a),
  align: (a) => experimentCommand('align', ['alignment'], a),
  train: trainCommand,
  hessian: hessianCommand,
  merge: mergeCommand,
  demo: demoCommand,
};

async function main(argv: string[]): Promise<void> {
  const [first, ...rest] = argv;
  if (first === undefined || first.startsWith('-')) {
    if (first === '-h' || first === '--help') {
      process.stdout.write(HELP + '\n' + experimentHelp('reproduce', 'Runs every experiment (the default command).'));
      return;
    }
    return COMMANDS.reproduce!(argv);
  }
  const command = COMMANDS[first];
  if (!command) throw new ArgumentError('command', Object.keys(COMMANDS).join(', '), first);
  await command(rest);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const parseError = err instanceof Error && 'code' in err && String((err as { code: unknown }).code).startsWith('ERR_PARSE_ARGS');
  const known = err instanceof DropoutSmeError || parseError;
  console.error(`dropout-sme: ${known ? (err as Error).message : (err as Error)?.stack ?? err}`);
  process.exitCode = err instanceof ArgumentError || parseError ? 2 : 1;
});
