// `swarmcode` entry point: dispatches to a subcommand from cli/commands.ts.
import { commands } from './commands';
import { formatHelp } from './help';

/** Set by scripts/build.mjs from package.json; `dev` when run from sources. */
declare const SWARMCODE_VERSION: string | undefined;
const VERSION = typeof SWARMCODE_VERSION === 'string' ? SWARMCODE_VERSION : 'dev';

function help(): string {
  const lines = commands.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`);
  return (
    `SwarmCode ${VERSION} — a parallel coding agent\n\nusage: swarmcode <command> [options]\n       swarmcode --version\n\ncommands:\n${lines.join('\n')}\n\n` +
    'Run `swarmcode <command> --help` for its options, environment variables and exit codes.\n' +
    'exit codes: 0 success, 1 failure, 2 usage or configuration error, 130 interrupted.\n'
  );
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v' || name === 'version') {
    process.stdout.write(`swarmcode ${VERSION} (node ${process.versions.node}, ${process.platform}-${process.arch})\n`);
    return 0;
  }
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? commands.find((c) => c.name === rest[0]) : undefined;
    process.stdout.write(topic ? formatHelp(topic.help) : help());
    return name ? 0 : 2;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`swarmcode: unknown command '${name}'\n\n${help()}`);
    return 2;
  }
  // Help before anything else parses: `run --help` works with no key, no workspace, no TASK.
  const dashdash = rest.indexOf('--');
  const flags = dashdash < 0 ? rest : rest.slice(0, dashdash);
  if (flags.includes('--help') || flags.includes('-h')) {
    process.stdout.write(formatHelp(command.help));
    return 0;
  }
  return (await command.load()).run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`swarmcode: ${err instanceof Error ? err.message : err}\n`);
    process.exitCode = 1;
  },
);
