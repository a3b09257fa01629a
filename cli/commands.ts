// The `swarmcode` subcommands; each lives in its own file under cli/.
import { runCommand } from './run';
import { renderCommand } from './render';
import { compareCommand } from './compare';
import { doctorCommand } from './doctor';

export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  /** Returns the process exit code. */
  run(argv: string[]): Promise<number>;
}

export const commands: CliCommand[] = [
  runCommand,
  renderCommand,
  compareCommand,
  doctorCommand,
];
