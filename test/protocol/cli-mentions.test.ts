// `swarmcode run` with @-mentions in the task: the dist/cli.js process against the model simulator.
// The file's content must be in the request the simulator received (Claude Code's `@file` in a
// prompt, Cline's `@/path`); a missing file is a clear error and no request; an e-mail is text.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { script } from '../support/simulator';
import { runCli } from '../support/cli';
import { ensureBuilt } from '../support/server';
import { useSimServer } from '../support/sim-server';

describe('cli: swarmcode run with @-mentions', function () {
  this.timeout(30_000);
  const ctx = useSimServer();
  before(() => ensureBuilt());
  beforeEach(async () => {
    writeFileSync(join(ctx.ws.path, 'notes.md'), '# Notes\nKANGAROO-42\n');
    await ctx.startSim({ respond: script([{ text: 'summarised' }]) });
  });

  const run = (task: string) => runCli(['run', '--workspace', ctx.ws.path, '--base-url', ctx.sim.url, '--model', 'kimi-k2.5', task], { MOONSHOT_API_KEY: 'k' });

  it('@path puts the file content in the request the model receives; a@b.com stays text', async () => {
    const res = await run('summarise @notes.md and mail a@b.com');
    assert.equal(res.code, 0, res.stderr);
    assert.equal(ctx.sim.requests.length, 1);
    const user = ctx.sim.requests[0].body.messages.filter((m) => m.role === 'user').at(-1)!;
    const text = String(user.content);
    assert.ok(text.startsWith('summarise @notes.md and mail a@b.com\n\n'), text);
    assert.match(text, /@notes\.md \(file, 2 lines\)\n```markdown\n# Notes\nKANGAROO-42\n```/);
    assert.doesNotMatch(text, /@b\.com \(/);
    assert.match(res.stdout, /summarised/);
  });

  it('@missing is a clear error, exit 1, and no model request', async () => {
    const res = await run('read @missing.txt please');
    assert.equal(res.code, 1);
    assert.match(res.stdout + res.stderr, /@missing\.txt: no such file or folder in the workspace/);
    assert.equal(ctx.sim.requests.length, 0);
  });

  it('@../outside is refused as outside the workspace', async () => {
    const res = await run('read @../etc/passwd');
    assert.equal(res.code, 1);
    assert.match(res.stdout + res.stderr, /@\.\.\/etc\/passwd: .*outside the workspace/);
    assert.equal(ctx.sim.requests.length, 0);
  });
});
