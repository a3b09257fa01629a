// Bundles each process into one file under dist/ (DESIGN.md §5.9).
import * as esbuild from 'esbuild';
import { chmodSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

const production = process.argv.includes('--production');
const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};
const nodeCommon = {
  ...common,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // Native and binary-shipping packages stay outside the bundle.
  external: ['vscode', '@vscode/ripgrep', 'puppeteer-core', 'esbuild', 'node-llama-cpp', 'tree-sitter', 'tree-sitter-*', '../build/*', './build/*'],
};

// Each subcommand cli/commands.ts loads with `import('./NAME')` is its own bundle, dist/cli-NAME.js,
// which dist/cli.js requires when the command runs: a bundle is compiled whole when it loads, and
// doctor's local-model check alone (zod, openai) made `swarmcode run` compile ~1.4 MB it never runs.
const commandsFile = resolve('cli/commands.ts');
const commandNames = [...readFileSync(commandsFile, 'utf8').matchAll(/import\('\.\/([\w-]+)'\)/g)].map((m) => m[1]);
const splitCommands = {
  name: 'split-commands',
  setup(build) {
    build.onResolve({ filter: /^\.\/[\w-]+$/ }, (args) =>
      args.kind === 'dynamic-import' && resolve(args.importer) === commandsFile ? { path: `./cli-${args.path.slice(2)}.js`, external: true } : undefined,
    );
  },
};
const cliDefine = { SWARMCODE_VERSION: JSON.stringify(version) };

await Promise.all([
  esbuild.build({ ...nodeCommon, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js' }),
  esbuild.build({ ...nodeCommon, entryPoints: ['server/main.ts'], outfile: 'dist/server.js' }),
  esbuild.build({ ...nodeCommon, entryPoints: ['cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' }, define: cliDefine, plugins: [splitCommands], supported: { 'dynamic-import': false } }),
  ...commandNames.map((name) => esbuild.build({ ...nodeCommon, entryPoints: [`cli/${name}.ts`], outfile: `dist/cli-${name}.js`, define: cliDefine })),
  esbuild.build({ ...common, platform: 'browser', target: 'chrome120', format: 'iife', entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js' }),
  esbuild.build({ ...common, entryPoints: ['webview/style.css'], outfile: 'dist/webview.css' }),
]);
chmodSync('dist/cli.js', 0o755);
