// The `swarmcode` subcommands; each lives in its own file under cli/ and is loaded only when it
// runs, so `--help`, `--version` and a mistyped command cost no more than this list.
import { HELP, type CommandHelp } from './help';

export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  /** Returns the process exit code. */
  run(argv: string[]): Promise<number>;
}

export interface CommandEntry {
  name: string;
  summary: string;
  help: CommandHelp;
  load(): Promise<CliCommand>;
}

export const commands: CommandEntry[] = [
  { name: 'run', summary: 'run one task in a workspace', help: HELP.run, load: async () => (await import('./run')).runCommand },
  { name: 'render', summary: 'Render an HTML file or React TSX component to a PNG (headless Chromium)', help: HELP.render, load: async () => (await import('./render')).renderCommand },
  { name: 'compare', summary: 'Compare a rendered HTML/TSX file with a target image: score, SSIM, differing regions', help: HELP.compare, load: async () => (await import('./compare')).compareCommand },
  { name: 'doctor', summary: 'Check the model endpoint (reachable, model listed, tool calls, images) and the search engine, and say what to fix', help: HELP.doctor, load: async () => (await import('./doctor')).doctorCommand },
];
