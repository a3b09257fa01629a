// `swarmcode <command> --help` describes every flag the command's parser accepts, the
// environment variables it reads and its exit codes; `--version` prints package.json's version.
// The option objects are the very ones handed to node:util parseArgs, so a flag added to a
// parser without a line of help fails here.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HELP, formatHelp } from '../../../cli/help';
import { RUN_OPTIONS } from '../../../cli/run';
import { RENDER_OPTIONS } from '../../../cli/render';
import { COMPARE_OPTIONS } from '../../../cli/compare';
import { DOCTOR_OPTIONS } from '../../../cli/doctor';
import { commands } from '../../../cli/commands';
import { ensureBuilt, ROOT } from '../../support/server';

type Options = Record<string, { type: string; default?: unknown }>;

/** The flag a user types for an option: `--no-x` for a boolean that defaults to true. */
function typed(name: string, o: { type: string; default?: unknown }): string {
  return o.type === 'boolean' && o.default === true ? `--no-${name}` : `--${name}`;
}

function documented(help: (typeof HELP)[string]): Set<string> {
  return new Set(help.flags.flatMap(([flag]) => flag.split(/[ ,]+/).filter((f) => f.startsWith('-'))));
}

const PARSERS: Record<string, Options> = {
  run: RUN_OPTIONS as Options,
  render: { ...(RENDER_OPTIONS as Options), browser: { type: 'string' } },
  compare: { ...(COMPARE_OPTIONS as Options), browser: { type: 'string' } },
  doctor: DOCTOR_OPTIONS as Options,
};

describe('cli help and --version', () => {
  it('every command has help, and its help names exactly the flags its parser accepts', () => {
    assert.deepEqual(commands.map((c) => c.name).sort(), Object.keys(PARSERS).sort());
    for (const [name, options] of Object.entries(PARSERS)) {
      const docs = documented(HELP[name]!);
      const flags = Object.entries(options).map(([k, o]) => typed(k, o));
      for (const f of flags) assert.ok(docs.has(f), `${name}: ${f} is accepted but not in its --help`);
      for (const d of docs) assert.ok(d === '-h' || d === '--help' || flags.includes(d), `${name}: --help names ${d}, which the parser rejects`);
    }
  });

  it('an alias shares its flag\'s row: each flag is named in one row only', () => {
    for (const [name, h] of Object.entries(HELP)) {
      const seen = new Map<string, string>();
      for (const [row] of h.flags) {
        for (const f of row.split(/[ ,]+/).filter((x) => x.startsWith('-'))) {
          assert.ok(!seen.has(f), `${name}: ${f} in two rows: "${seen.get(f)}" and "${row}"`);
          seen.set(f, row);
        }
      }
      for (const [row, what] of h.flags) assert.doesNotMatch(what, /^the same as --/, `${name}: ${row} is an alias with its own row`);
    }
    const row = HELP.run!.flags.find(([f]) => f.includes('--local-context'))!;
    assert.match(row[0], /--context-size, --local-context N/);
    assert.match(formatHelp(HELP.run!), /--context-size, --local-context N +embedded engine/);
  });

  it('every help lists environment variables and the exit codes 0 and 2', () => {
    for (const [name, h] of Object.entries(HELP)) {
      assert.ok(h.env.length > 0, name);
      for (const [v] of h.env) assert.match(v, /^[A-Z][A-Z0-9_]+$/, `${name}: ${v}`);
      const codes = h.exit.map(([c]) => c);
      assert.ok(codes.includes('0') && codes.includes('2'), `${name}: ${codes.join(',')}`);
      const text = formatHelp(h);
      assert.match(text, /^usage: swarmcode /);
      assert.match(text, /\noptions:\n[\s\S]*\nenvironment:\n[\s\S]*\nexit codes:\n/);
    }
  });

  describe('the built CLI', function () {
    this.timeout(30_000);
    before(() => ensureBuilt());
    const cli = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'dist/cli.js'), ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME } });

    it('--version prints package.json\'s version and exits 0', () => {
      const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
      const r = cli('--version');
      assert.equal(r.status, 0);
      assert.match(r.stdout, new RegExp(`^swarmcode ${version.replace(/\./g, '\\.')} \\(node `));
    });

    it('run --help works with no key, no workspace and no TASK, listing flags, environment and exit codes', () => {
      const r = cli('run', '--help');
      assert.equal(r.status, 0, r.stderr);
      for (const needle of ['--max-steps N', '--concurrency N', '--max-agents N', '--model-path FILE', '--local-context N', 'MOONSHOT_API_KEY', '130']) assert.ok(r.stdout.includes(needle), needle);
      assert.equal(cli('help', 'doctor').stdout, formatHelp(HELP.doctor!));
    });

    it('a TASK that merely contains --help after `--` is a task, not a help request', () => {
      const r = cli('run', '--workspace', '/nonexistent-swarmcode-dir', '--', '--help');
      assert.equal(r.status, 2);
      assert.match(r.stderr, /nonexistent-swarmcode-dir/);
    });
  });
});
