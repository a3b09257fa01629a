// 32 simulated sub-agents editing 4 overlapping files at once through the real edit engine on a real
// temp folder, with a seeded RNG: zero lost updates, every stale edit refused, and the final files
// equal a serial replay of the accepted edits. The files are LF, CRLF, UTF-8+BOM and UTF-16LE.
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
function initial(name: string): string {
  return Array.from({ length: SLOTS }, (_, s) => `${name} slot ${s} = 0 (init)`).join('\n') + '\n';
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
  oldString: string;
  newString: string;
  content?: string;
  accepted: boolean;
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
    it(`seed ${seed}: no lost updates, no stale edit accepted, serial replay matches`, async () => {
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
          const n = Number(/= (\d+)/.exec(line)![1]);
          const next = `${file} slot ${s} = ${n + 1} (a${id}.${op})`;
          await tick();
          const a: Attempt = { agent: `agent-${id}`, file, read, kind: rand() < 0.2 ? 'write' : 'edit', oldString: line, newString: next, accepted: false };
          try {
            if (a.kind === 'edit') {
              await ws.editText!(file, { oldString: line, newString: next });
            } else {
              const lf = read.replace(/\r\n/g, '\n');
              a.content = lf.replace(line + '\n', next + '\n');
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
      for (const r of refused) assert.match(r.error!, /changed by .* since you last read it.*Re-read it with read_file/);

      for (const name of names) {
        const abs = path.join(dir, name);
        const commits = docs.commits.filter((c) => c.abs === abs).map((c) => c.text);
        const mine = accepted.filter((a) => a.file === name);
        assert.equal(commits.length, mine.length, `${name}: one commit per accepted edit`);
        // Serial replay: each commit is exactly one accepted edit applied to the previous version, and
        // that previous version is what the editing agent had read (no stale edit got through).
        let prev = decodeText(files[name](initial(name)), name).text;
        const used = new Set<Attempt>();
        for (const text of commits) {
          const by = mine.find((a) => !used.has(a) && a.read === prev && replay(prev, a) === text);
          assert.ok(by, `${name}: a commit that no accepted edit on the version read explains`);
          used.add(by);
          prev = text;
        }
        // Zero lost updates: every slot's counter equals the accepted edits on it.
        const disk = decodeText(await fs.readFile(abs), name);
        assert.equal(disk.text, prev);
        for (let s = 0; s < SLOTS; s++) {
          const count = mine.filter((a) => a.newString.startsWith(`${name} slot ${s} =`)).length;
          assert.match(disk.text.split(/\r?\n/)[s], new RegExp(`slot ${s} = ${count} `));
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

function replay(prev: string, a: Attempt): string {
  if (a.kind === 'write') return prev.includes('\r\n') ? a.content!.replace(/\n/g, '\r\n') : a.content!;
  const crlf = prev.includes('\r\n');
  const r = applyStringEdit(crlf ? prev.replace(/\r\n/g, '\n') : prev, { oldString: a.oldString, newString: a.newString }, a.file);
  return crlf ? r.text.replace(/\n/g, '\r\n') : r.text;
}
