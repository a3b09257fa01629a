// Legacy encodings through the real edit engine on a real temp folder: each is read as text,
// edited, and written back in its own encoding with every untouched byte unchanged. Undetermined
// bytes stay refused with a message. Reference byte sequences: the WHATWG Encoding Standard's
// index tables (https://encoding.spec.whatwg.org/: gb18030, Shift_JIS, EUC-KR, windows-1252), as
// implemented by iconv-lite; the hex literals below are taken from those tables.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as iconv from 'iconv-lite';
import { createWorkspace, EditorDocuments, type Workspace } from '../../../server/workspace';
import { decodeText } from '../../../server/workspace/encoding';

interface Case {
  name: string;
  enc: string;
  text: string;
  oldString: string;
  newString: string;
  /** A few characters' bytes checked against the reference tables. */
  known: [string, string];
}

const CASES: Case[] = [
  { name: 'GBK / GB18030 (Chinese comments)', enc: 'gbk', text: '// 计算两个数的和\r\nfunction add(a, b) {\r\n  return a + b; // 返回结果\r\n}\r\n', oldString: 'return a + b;', newString: 'return a + b + 0; // 加零', known: ['中文', 'd6d0cec4'] },
  { name: 'Shift-JIS (Japanese)', enc: 'shift_jis', text: '// 二つの数を足す関数です\nfunction add(a, b) { return a + b; } // 結果を返す\n', oldString: 'a + b;', newString: 'a + b; /* 合計 */', known: ['日本', '93fa967b'] },
  { name: 'EUC-KR (Korean)', enc: 'euc-kr', text: '// 두 숫자를 더하는 함수입니다\nfunction add(a, b) { return a + b; } // 결과를 반환\n', oldString: 'a + b;', newString: 'a + b; // 합계', known: ['한국', 'c7d1b1b9'] },
  { name: 'Windows-1252 (French, curly quotes, euro)', enc: 'windows-1252', text: 'Café crème brûlée — “quoted” naïve façade\nprice: 5 €\n', oldString: 'price: 5 €', newString: 'price: 6 € (était 5 €)', known: ['€“', '8093'] },
  { name: 'Latin-1 (German)', enc: 'latin1', text: 'Größe: 10\nÜbersicht über die Straße\n', oldString: 'Größe: 10', newString: 'Größe: 12', known: ['ß', 'df'] },
  { name: 'Latin-1, tiny ("café")', enc: 'latin1', text: 'café\n', oldString: 'café', newString: 'cafés', known: ['é', 'e9'] },
];

describe('edit engine: legacy encodings', function () {
  this.timeout(20_000);
  let dir: string;
  let ws: Workspace;
  before(async () => {
    process.env.SWARMCODE_JOURNAL_DIR ??= await fs.mkdtemp(path.join(os.tmpdir(), 'swarm-journals-'));
  });
  beforeEach(async () => {
    dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'swarm-enc-')));
    ws = (await createWorkspace(dir, new EditorDocuments())).forRun!(`enc-${path.basename(dir)}`, 'enc').forAgent!('a');
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  for (const c of CASES) {
    it(`${c.name}: read, edited, untouched bytes round-trip exactly`, async () => {
      assert.equal(iconv.encode(c.known[0], c.enc).toString('hex'), c.known[1], 'reference table bytes');
      const bytes = iconv.encode(c.text, c.enc);
      await fs.writeFile(path.join(dir, 'f.txt'), bytes);
      assert.equal(await ws.readText('f.txt'), c.text);
      const r = await ws.editText!('f.txt', { oldString: c.oldString, newString: c.newString });
      assert.equal(r.count, 1);
      const out = await fs.readFile(path.join(dir, 'f.txt'));
      // Bytes before and after the edited span are the original bytes.
      const at = c.text.indexOf(c.oldString);
      const head = iconv.encode(c.text.slice(0, at), c.enc);
      const tail = iconv.encode(c.text.slice(at + c.oldString.length), c.enc);
      assert.deepEqual(out.subarray(0, head.length), bytes.subarray(0, head.length));
      assert.deepEqual(out.subarray(out.length - tail.length), bytes.subarray(bytes.length - tail.length));
      assert.deepEqual(out, iconv.encode(c.text.replace(c.oldString, c.newString), c.enc));
    });
  }

  it('refuses new text the file\'s encoding cannot hold, writing nothing', async () => {
    const bytes = iconv.encode('// 二つの数を足す関数です\nconst x = 1;\n', 'shift_jis');
    await fs.writeFile(path.join(dir, 'sj.txt'), bytes);
    await ws.readText('sj.txt');
    await assert.rejects(ws.editText!('sj.txt', { oldString: 'const x = 1;', newString: 'const x = "😀";' }), /encoded in Shift-JIS, which cannot represent "😀" \(U\+1F600\).*nothing was written/);
    assert.deepEqual(await fs.readFile(path.join(dir, 'sj.txt')), bytes);
  });

  it('refuses bytes whose encoding cannot be determined confidently, with a clear message', async () => {
    // Two GBK characters alone: chardet is 10% sure, and as Windows-1252 they read "ËµÃ÷".
    const short = iconv.encode('# 说明\n', 'gbk');
    // Windows-1251 Russian: another code page, not one we edit.
    const cyr = iconv.encode('Привет, мир! Это проверка кодировки файла.\n', 'windows-1251');
    for (const [name, b] of [['short.txt', short], ['ru.txt', cyr]] as const) {
      await fs.writeFile(path.join(dir, name), b);
      assert.throws(() => decodeText(b, name), /is not valid UTF-8, and its encoding could not be determined confidently \(best guess: .*\).*Supported: .*GB18030.*Convert it to UTF-8/);
      await assert.rejects(ws.editText!(name, { oldString: '#', newString: '##' }), /could not be determined confidently/);
      assert.deepEqual(await fs.readFile(path.join(dir, name)), b);
    }
  });

  it('keeps refusing a UTF-8 BOM followed by bytes that are not UTF-8', () => {
    const b = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), iconv.encode('café\n', 'latin1')]);
    assert.throws(() => decodeText(b, 'bom.txt'), /could not be determined confidently \(best guess: a UTF-8 BOM/);
  });
});
