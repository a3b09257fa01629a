// `swarmcode` entry point: dispatches to a subcommand from cli/commands.ts.
import { commands } from './commands';

function help(): string {
  const lines = commands.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`);
  return `SwarmCode — a parallel coding agent\n\nusage: swarmcode <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nRun \`swarmcode <command> --help\` for a command's options.\n`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(help());
    return name ? 0 : 2;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`swarmcode: unknown command '${name}'\n\n${help()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`usage: ${command.usage}\n`);
    return 0;
  }
  return command.run(rest);
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
