// package.json's keybindings and walkthrough (issue 14): every bound or linked command is
// contributed and registered by the extension, no two bindings share a key in the same context,
// and the walkthrough's media exist. Manifest schema: VS Code's `contributes.keybindings` and
// `contributes.walkthroughs` (https://code.visualstudio.com/api/references/contribution-points).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const contributed = new Set<string>(pkg.contributes.commands.map((c: { command: string }) => c.command));

/** Command ids the extension registers (registerCommand with a literal or a constant of src/). */
function registered(): Set<string> {
  const out = new Set<string>();
  const walk = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : f.endsWith('.ts') ? [join(dir, f)] : []));
  const sources = walk(join(ROOT, 'src')).map((f) => readFileSync(f, 'utf8'));
  const constants = new Map<string, string>();
  for (const s of sources) for (const m of s.matchAll(/const ([A-Z_]+) = '(swarmcode\.[\w.]+)'/g)) constants.set(m[1], m[2]);
  for (const s of sources) {
    for (const m of s.matchAll(/registerCommand\(\s*(?:'(swarmcode\.[\w.]+)'|([A-Z_]+)\b)/g)) {
      const id = m[1] ?? constants.get(m[2]);
      if (id) out.add(id);
    }
  }
  return out;
}

describe('package.json: keybindings and walkthrough', () => {
  const bindings: { command: string; key: string; mac?: string; when?: string }[] = pkg.contributes.keybindings;

  it('binds focus chat, new chat, stop, add selection to chat, accept and reject hunk', () => {
    const bound = new Set(bindings.map((b) => b.command));
    for (const c of ['swarmcode.focusChat', 'swarmcode.newChat', 'swarmcode.stop', 'swarmcode.addSelectionToChat', 'swarmcode.review.acceptHunk', 'swarmcode.review.rejectHunk']) assert.ok(bound.has(c), `${c} has a key`);
  });

  it('every bound command is contributed and registered; no key is bound twice in one context', () => {
    const reg = registered();
    for (const b of bindings) {
      assert.ok(contributed.has(b.command), `${b.command} is contributed`);
      assert.ok(reg.has(b.command), `${b.command} is registered by src/`);
      assert.ok(b.mac, `${b.command} has a macOS key`);
    }
    const seen = new Set<string>();
    for (const b of bindings) {
      const k = `${b.key}\u0000${b.when ?? ''}`;
      assert.ok(!seen.has(k), `${b.key} is bound once when ${b.when ?? 'always'}`);
      seen.add(k);
    }
  });

  it('the walkthrough has the four steps, existing media, and only commands that exist', () => {
    const [w] = pkg.contributes.walkthroughs;
    assert.deepEqual(w.steps.map((s: { id: string }) => s.id), ['endpoint', 'key', 'doctor', 'swarm']);
    const reg = registered();
    for (const s of w.steps) {
      assert.ok(existsSync(join(ROOT, s.media.markdown)), `${s.media.markdown} exists`);
      for (const m of `${s.description} ${s.completionEvents.join(' ')}`.matchAll(/(?:command:|onCommand:)(swarmcode\.[\w.]+)/g)) {
        assert.ok(contributed.has(m[1]) && reg.has(m[1]), `${m[1]} (step ${s.id}) is contributed and registered`);
      }
    }
  });
});
