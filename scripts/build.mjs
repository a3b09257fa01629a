// Bundles each process into one file under dist/ (DESIGN.md §5.9).
import * as esbuild from 'esbuild';
import { chmodSync, readFileSync } from 'node:fs';

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

await Promise.all([
  esbuild.build({ ...nodeCommon, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js' }),
  esbuild.build({ ...nodeCommon, entryPoints: ['server/main.ts'], outfile: 'dist/server.js' }),
  esbuild.build({ ...nodeCommon, entryPoints: ['cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' }, define: { SWARMCODE_VERSION: JSON.stringify(version) } }),
  esbuild.build({ ...common, platform: 'browser', target: 'chrome120', format: 'iife', entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js' }),
  esbuild.build({ ...common, entryPoints: ['webview/style.css'], outfile: 'dist/webview.css' }),
]);
chmodSync('dist/cli.js', 0o755);
