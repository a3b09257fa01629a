import { strict as assert } from 'node:assert';
import { capOutput, cutLine, HeadTailBuffer } from '../../../server/tools/output';

describe('output capping', () => {
  it('leaves short text alone', () => {
    assert.equal(capOutput('short', 100), 'short');
  });

  it('keeps head and tail on line boundaries with a note of what was cut', () => {
    const text = Array.from({ length: 1000 }, (_, i) => `line ${i}`).join('\n');
    const out = capOutput(text, 1000);
    assert.ok(out.length <= 1000, String(out.length));
    assert.match(out, /^line 0\n/);
    assert.match(out, /line 999$/);
    const m = /\[… ([\d,]+) characters cut …\]\n/.exec(out);
    assert.ok(m);
    const cut = Number(m[1].replace(/,/g, ''));
    const [head, tail] = out.split(m[0]);
    assert.ok(text.startsWith(head) && text.endsWith(tail));
    assert.equal(head.length + cut + tail.length, text.length, 'head + cut + tail = original');
    assert.match(head, /line \d+\n$/);
    assert.match(tail, /^line \d+/);
  });

  it('cuts a long line around a focus column', () => {
    const line = 'a'.repeat(1000) + 'HIT' + 'b'.repeat(1000);
    const out = cutLine(line, 100, 1000);
    assert.ok(out.includes('HIT'));
    assert.match(out, /^…a+HITb+… \[line cut, 2003 chars\]$/);
  });

  it('HeadTailBuffer keeps both ends of a stream', () => {
    const b = new HeadTailBuffer(5);
    for (const c of ['abc', 'defgh', 'ijklmnop', 'qrstu']) b.push(c);
    assert.equal(b.toString(), 'abcde\n[… 11 characters cut …]\nqrstu');
  });
});
