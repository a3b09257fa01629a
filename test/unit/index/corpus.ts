// A generated workspace with the awkward cases a search must get right, and ripgrep itself
// (run directly, --json) as the oracle.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { rgPath } from '@vscode/ripgrep';

export interface Hit {
  path: string;
  line: number;
  column: number;
  text: string;
}

function put(root: string, rel: string, data: string | Buffer): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), data);
}

const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'needle', 'haystack', 'función', 'naïve', 'Straße', '日本語', 'emoji😀', 'fooBar', 'foo_bar', 'Error', 'TypeError', 'return', 'import', 'x1', '123', '4567'];

export function makeCorpus(): string {
  const root = mkdtempSync(join(tmpdir(), 'swarm-search-'));
  put(root, '.gitignore', 'ignored/\n*.log\n');
  put(root, 'src/app.ts', "import { needle } from './lib';\nexport function findNeedle(haystack: string) {\n  return haystack.indexOf('needle');\n}\nclass TypeError2 extends Error {}\n");
  put(root, 'src/lib.ts', 'export const needle = "needle in a needle";\n// end\nexport const x = 123 + 4567;\n');
  put(root, 'unicode.txt', 'héllo wörld\nStraße und Strasse\n日本語のテキスト needle\nemoji 😀 needle 😀\nnaïve café función\n');
  put(root, 'crlf.txt', 'first line\r\nneedle here\r\nend\r\nlast needle\r\n');
  put(root, 'noeol.txt', 'needle at the end without newline');
  put(root, 'long.txt', `${'a'.repeat(50_000)}needle${'b'.repeat(50_000)}\nshort needle\n${'c'.repeat(3000)}\n`);
  // Minified-style long lines: windows around literals, backtracking budget, matches at the cut.
  const chunk = (i: number) => `var a${i}=require("fs");class E${i}Error extends Error{};fetch(u${i});/*TODO*/x=${i}.5.${i};`;
  put(root, 'dist/min.js', Array.from({ length: 400 }, (_, i) => chunk(i) + ' '.repeat(i % 7) + 'w'.repeat(i % 50)).join('') + 'END_OF_LINE\n' + 'y'.repeat(9000) + 'fetch(' + '\n' + 'NEEDLE_' + 'Q'.repeat(6000) + '\n');
  // Large files are filtered block by block (positional Bloom filters): hits near block edges.
  const big: string[] = [];
  for (let i = 0; i < 12_000; i++) big.push(i % 997 === 0 || i % 1499 === 1 ? `line ${i} blocktoken${i} Blocktoken here` : `line ${i} ${WORDS[i % WORDS.length]} filler text`);
  put(root, 'big/many.txt', big.join('\n') + '\n');
  put(root, 'big/crlf.txt', big.slice(0, 6000).join('\r\n') + '\r\n');
  // Exactly 16 candidate lines, then others: a scan that stops after 16 lines resumes here.
  put(root, 'stop/a.txt', Array.from({ length: 16 }, (_, i) => `resume_token ${i}`).join('\n') + '\nfiller\nmore filler\n');
  put(root, 'stop/b.txt', 'resume_token in b\n');
  // Names whose plain string order differs from ripgrep's --sort path order.
  for (const rel of ['order/a-b.txt', 'order/a/x.txt', 'order/a.txt', 'order/a_b/y.txt', 'order/a/b-c/z.txt', 'order/a/b/z.txt', 'order/A.md', 'order/ä.txt'])
    put(root, rel, `order_token in ${rel}\norder_token again\n`);
  // Case folding beyond ASCII: K (KELVIN SIGN) folds to k, ſ (LONG S) to s.
  put(root, 'fold.txt', 'temperature 5\u212A here\nthe \u017Ftraße a\u017Fk\nASK and ask\nplain\n');
  put(root, 'bin/data.bin', Buffer.concat([Buffer.from('needle\0\0\x01\x02'), Buffer.from('needle again\n')]));
  put(root, 'ignored/skip.ts', 'needle in an ignored file\n');
  put(root, 'debug.log', 'needle in a log\n');
  put(root, '.hidden/dot.ts', 'needle in a hidden file\n');
  put(root, 'empty.txt', '');
  // Generated bulk: deterministic pseudo-random lines of words.
  let seed = 42;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let f = 0; f < 120; f++) {
    const lines: string[] = [];
    const n = 5 + Math.floor(rnd() * 60);
    for (let l = 0; l < n; l++) {
      const k = 1 + Math.floor(rnd() * 10);
      const ws: string[] = [];
      for (let w = 0; w < k; w++) ws.push(WORDS[Math.floor(rnd() * WORDS.length)]);
      lines.push((rnd() < 0.2 ? '  ' : '') + ws.join(rnd() < 0.5 ? ' ' : '_'));
    }
    put(root, `gen/d${f % 7}/file${f}.${['ts', 'py', 'md', 'txt'][f % 4]}`, lines.join(f % 5 === 0 ? '\r\n' : '\n') + '\n');
  }
  return root;
}

/** ripgrep's answer with the flags the search facade uses. */
export function rgOracle(root: string, query: string, opts: { regex?: boolean; glob?: string } = {}): Hit[] {
  const args = ['--json', '--hidden', '--glob', '!.git/', '--no-require-git', '--no-config'];
  if (!opts.regex) args.push('--fixed-strings');
  if (opts.glob) args.push('--glob', opts.glob);
  args.push('--regexp', query, '--', '.');
  const r = spawnSync(rgPath, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status === 2) throw new Error(r.stderr);
  const hits: Hit[] = [];
  for (const line of r.stdout.split('\n')) {
    if (!line) continue;
    const ev = JSON.parse(line);
    if (ev.type !== 'match') continue;
    const d = ev.data;
    const text: string = (d.lines.text ?? '').replace(/\r?\n$/, '');
    hits.push({
      path: d.path.text.replace(/^\.\//, ''),
      line: d.line_number,
      column: d.submatches[0].start + 1,
      text: text.endsWith('\r') ? text.slice(0, -1) : text,
    });
  }
  return sortHits(hits);
}

/** ripgrep's own order (--sort path): what a capped search must return a prefix of. */
export function rgOrdered(root: string, query: string, opts: { regex?: boolean } = {}): string[] {
  const args = ['--line-number', '--column', '--no-heading', '--with-filename', '--color', 'never', '--sort', 'path', '--hidden', '--glob', '!.git/', '--no-require-git', '--no-config'];
  if (!opts.regex) args.push('--fixed-strings');
  args.push('--regexp', query, '--', '.');
  const r = spawnSync(rgPath, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status === 2) throw new Error(r.stderr);
  return r.stdout.split('\n').filter(Boolean).map((l) => {
    const m = /^(.*?):(\d+):(\d+):/.exec(l)!;
    return `${m[1].replace(/^\.\//, '')}:${m[2]}:${m[3]}`;
  });
}

export function sortHits(h: Hit[]): Hit[] {
  return [...h].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line));
}

/** Comparable form: long lines are cut by the facade, so compare a prefix of the text. */
export function norm(h: Hit[]): string[] {
  return sortHits(h).map((x) => `${x.path}:${x.line}:${x.column}:${x.text.slice(0, 1000)}`);
}
