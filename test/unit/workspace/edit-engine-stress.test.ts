// 32 simulated sub-agents editing 4 overlapping files at once through the real edit engine on a real
// temp folder, with a seeded RNG: zero lost updates; a stale edit is either refused or rebased, and
// every rebased edit is one a serial replay accepts at its commit point (its line untouched since its
// read); the final files equal a serial replay of all accepted edits in commit order. The files are
// LF, CRLF, UTF-8+BOM and UTF-16LE.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { createWorkspace, EditorDocuments, type Workspace } from '../../../server/workspace';
import { decodeText } from '../../../server/workspace/encoding';
import { applyStringEdit } from '../../../server/workspace/edits';
import { ToolError } from '../../../server/tools/types';

export function mulberry32(seed: number): () => number {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SLOTS = 6;
/** Each line counts its accepted edits as a tally: `lf.txt slot 3 = III| (a7.2)` is 3. */
const tally = (n: number) => 'I'.repeat(n);
function initial(name: string): string {
  return Array.from({ length: SLOTS }, (_, s) => `${name} slot ${s} = | (init)`).join('\n') + '\n';
}

/** Records every text the engine commits, in commit order (the hook runs under the file's lock). */
class RecordingDocs extends EditorDocuments {
  commits: { abs: string; text: string }[] = [];
  override wroteToDisk(absPath: string, text: string): void {
    this.commits.push({ abs: absPath, text });
    super.wroteToDisk(absPath, text);
  }
}

interface Attempt {
  agent: string;
  file: string;
  read: string;
  kind: 'edit' | 'write';
  slot: number;
  oldString: string;
  newString: string;
  content?: string;
  accepted: boolean;
  rebased?: boolean;
  error?: string;
}

describe('edit engine: 32 concurrent writers (seeded)', function () {
  before(async () => {
    process.env.SWARMCODE_JOURNAL_DIR ??= await fs.mkdtemp(path.join(os.tmpdir(), 'swarm-journals-'));
  });
  this.timeout(60_000);
  let dir: string;
  beforeEach(async () => {
    dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'swarm-stress-')));
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  for (const seed of [1, 42, 4242]) {
    it(`seed ${seed}: no lost updates, stale edits refused or rebased only where a serial replay accepts them, serial replay matches`, async () => {
      const rand = mulberry32(seed);
      const files: Record<string, (t: string) => Buffer> = {
        'lf.txt': (t) => Buffer.from(t, 'utf8'),
        'crlf.txt': (t) => Buffer.from(t.replace(/\n/g, '\r\n'), 'utf8'),
        'bom.txt': (t) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(t, 'utf8')]),
        'utf16.txt': (t) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(t, 'utf16le')]),
      };
      for (const [name, enc] of Object.entries(files)) await fs.writeFile(path.join(dir, name), enc(initial(name)));
      const docs = new RecordingDocs();
      const base = await createWorkspace(dir, docs);
      const run = base.forRun!(`stress-${seed}`, 'stress');
      const names = Object.keys(files);
      const attempts: Attempt[] = [];
      const tick = async () => {
        for (let i = Math.floor(rand() * 4); i > 0; i--) await new Promise((r) => setImmediate(r));
      };

      async function agent(id: number): Promise<void> {
        const ws: Workspace = run.forAgent!(`agent-${id}`);
        for (let op = 0; op < 20; op++) {
          const file = names[Math.floor(rand() * names.length)];
          const read = await ws.readText(file);
          const lines = read.split(/\r?\n/);
          const s = Math.floor(rand() * SLOTS);
          const line = lines[s];
          const n = /= (I*)\|/.exec(line)![1].length;
          const next = `${file} slot ${s} = ${tally(n + 1)}| (a${id}.${op})`;
          // Half the edits name only the line's prefix "… slot 3 = II", which also occurs inside a
          // later "… slot 3 = IIII|" (the "value: 10" in "value: 100" race): a rebase that merely
          // re-finds old_string would apply it to a line that changed.
          const prefix = rand() < 0.5;
          const oldString = prefix ? `${file} slot ${s} = ${tally(n)}` : line;
          const newString = prefix ? `${file} slot ${s} = ${tally(n + 1)}` : next;
          await tick();
          const a: Attempt = { agent: `agent-${id}`, file, read, kind: rand() < 0.2 ? 'write' : 'edit', slot: s, oldString, newString, accepted: false };
          try {
            if (a.kind === 'edit') {
              a.rebased = (await ws.editText!(file, { oldString, newString })).rebased === true;
            } else {
              const lf = read.replace(/\r\n/g, '\n');
              a.content = lf.replace(line + '\n', line.replace(oldString, newString) + '\n');
              await ws.writeText(file, a.content);
            }
            a.accepted = true;
          } catch (err) {
            assert.ok(err instanceof ToolError, String(err));
            a.error = err.message;
          }
          attempts.push(a);
        }
      }
      await Promise.all(Array.from({ length: 32 }, (_, i) => agent(i)));
      await run.close('done');

      const accepted = attempts.filter((a) => a.accepted);
      const refused = attempts.filter((a) => !a.accepted);
      assert.equal(attempts.length, 640);
      assert.ok(accepted.length > 40, `accepted ${accepted.length}`);
      assert.ok(refused.length > 40, `refused ${refused.length}`);
      const rebased = accepted.filter((a) => a.rebased).length;
      assert.ok(rebased > 40, `rebased ${rebased} (accepted ${accepted.length}, refused ${refused.length})`);
      for (const r of refused) assert.match(r.error!, /changed by .* since you last read it.*Re-read it with read_file/);
      // Whole-file writes are never rebased.
      for (const a of accepted) if (a.kind === 'write') assert.ok(!a.rebased);

      for (const name of names) {
        const abs = path.join(dir, name);
        const commits = docs.commits.filter((c) => c.abs === abs).map((c) => c.text);
        const mine = accepted.filter((a) => a.file === name);
        assert.equal(commits.length, mine.length, `${name}: one commit per accepted edit`);
        // Serial replay: each commit is exactly one accepted edit applied to the previous version.
        // A fresh one was made on that version; a rebased one on an older read whose edited line
        // is unchanged in it, and the serial replay accepts it there (old_string occurs once).
        let prev = decodeText(files[name](initial(name)), name).text;
        const used = new Set<Attempt>();
        for (const text of commits) {
          const by = mine.find((a) => !used.has(a) && (a.read === prev) !== !!a.rebased && tryReplay(prev, a) === text);
          assert.ok(by, `${name}: a commit that no accepted edit explains:\n${prev}=>\n${text}`);
          if (by.rebased) assert.equal(prev.split(/\r?\n/)[by.slot], by.read.split(/\r?\n/)[by.slot], 'a rebased edit whose line changed');
          used.add(by);
          prev = text;
        }
        assert.equal(used.size, mine.length);
        // Zero lost updates: every slot's counter equals the accepted edits on it.
        const disk = decodeText(await fs.readFile(abs), name);
        assert.equal(disk.text, prev);
        for (let s = 0; s < SLOTS; s++) {
          const count = mine.filter((a) => a.newString.startsWith(`${name} slot ${s} =`)).length;
          assert.match(disk.text.split(/\r?\n/)[s], new RegExp(`slot ${s} = ${tally(count)}\\|`));
        }
        // Encodings and line endings survived hundreds of edits.
        const raw = await fs.readFile(abs);
        if (name === 'crlf.txt') assert.equal(raw.toString('utf8').split('\r\n').length, SLOTS + 1);
        if (name === 'lf.txt') assert.ok(!raw.includes('\r'));
        if (name === 'bom.txt') assert.deepEqual([...raw.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
        if (name === 'utf16.txt') assert.equal(disk.format.encoding, 'utf16le');
      }
    });
  }
});

function tryReplay(prev: string, a: Attempt): string | undefined {
  try {
    return replay(prev, a);
  } catch (err) {
    if (err instanceof ToolError) return undefined; // the serial engine would refuse it here
    throw err;
  }
}

function replay(prev: string, a: Attempt): string {
  if (a.kind === 'write') return prev.includes('\r\n') ? a.content!.replace(/\n/g, '\r\n') : a.content!;
  const crlf = prev.includes('\r\n');
  const r = applyStringEdit(crlf ? prev.replace(/\r\n/g, '\n') : prev, { oldString: a.oldString, newString: a.newString }, a.file);
  return crlf ? r.text.replace(/\n/g, '\r\n') : r.text;
}
