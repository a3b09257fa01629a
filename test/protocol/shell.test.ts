// The shell setting end to end: initializationOptions.shell (VS Code's swarmcode.shell, the CLI's
// --shell) reaches run_command through the real server and its sandbox, and the model is told
// which shell it writes for. The shell itself is chosen by server/tools/shell.ts (unit-tested per
// platform with path.win32); here it is a real bash against /bin/sh, told apart by $BASH_VERSION.
import assert from 'node:assert/strict';
import { existsSync, realpathSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { script } from '../support/simulator';
import { ensureBuilt, ROOT } from '../support/server';
import { useSimServer } from '../support/sim-server';
import { join } from 'node:path';

const PROBE = 'echo "bash=[$BASH_VERSION]"';

describe('protocol: the shell setting', function () {
  this.timeout(30_000);
  const ctx = useSimServer();
  before(function () {
    if (!existsSync('/bin/bash') || realpathSync('/bin/sh').endsWith('bash')) this.skip();
  });

  for (const [shell, expect, told] of [['/bin/bash', /bash=\[\d/, /run_command shell: bash/], ['auto', /bash=\[\]/, undefined]] as const) {
    it(`shell ${shell}: run_command runs through it; the system prompt ${told ? 'names it' : 'says nothing (/bin/sh)'}`, async () => {
      const { sim, server } = await ctx.start({ respond: script([{ toolCalls: [{ name: 'run_command', arguments: { command: PROBE } }] }, { text: 'ok' }]) }, { approval: 'always', shell });
      const result = await server.run({ task: 'Which shell?' });
      assert.equal(result.status, 'done', result.error);
      const out = server.events.get(result.runId)!.find((e) => e.type === 'tool_output');
      assert.ok(out && out.type === 'tool_output', JSON.stringify(out));
      assert.match(out.output, expect);
      const system = String(sim.requests[0]!.body.messages[0].content);
      if (told) assert.match(system, told);
      else assert.doesNotMatch(system, /run_command shell/);
    });
  }

  it('a shell that does not exist: the tool says so and nothing runs; a NUL in the setting is refused at initialize', async () => {
    const { server } = await ctx.start({ respond: script([{ toolCalls: [{ name: 'run_command', arguments: { command: 'touch ran.txt' } }] }, { text: 'ok' }]) }, { approval: 'always', shell: '/opt/none/pwsh' });
    const result = await server.run({ task: 'Touch it' });
    const out = server.events.get(result.runId)!.find((e) => e.type === 'tool_output');
    assert.ok(out && out.type === 'tool_output' && !out.ok, JSON.stringify(out));
    assert.match(out.output, /\/opt\/none\/pwsh does not exist[\s\S]*Nothing was run/);
    assert.equal(existsSync(join(ctx.ws.path, 'ran.txt')), false);
    ensureBuilt();
    const child = spawn(process.execPath, [join(ROOT, 'dist/server.js'), '--stdio'], { cwd: ctx.ws.path, stdio: ['pipe', 'pipe', 'ignore'] });
    const c = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    c.listen();
    try {
      await assert.rejects(
        c.sendRequest('initialize', { processId: null, rootUri: pathToFileURL(ctx.ws.path).href, capabilities: {}, initializationOptions: { shell: 'bash\0-i' } }),
        (e: { code?: number; message: string }) => e.code === -32602 && /shell: contains a NUL byte/.test(e.message),
      );
    } finally {
      c.dispose();
      child.kill();
    }
  });
});
