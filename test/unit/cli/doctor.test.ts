import assert from 'node:assert/strict';
import { formatChecks, runDoctor } from '../../../cli/doctor';
import { startSimulator, type ChatRequestBody, type Simulator, type Turn } from '../../support/simulator';

const hasImage = (body: ChatRequestBody) =>
  (body.messages ?? []).some((m) => Array.isArray(m.content) && m.content.some((p) => p.type === 'image_url'));

describe('swarmcode doctor (against the HTTP model simulator)', () => {
  let sim: Simulator;
  let visionless: Simulator;
  const env = { SIM_KEY: 'sk-doctor-test' };
  const respond = (vision: boolean) => (body: ChatRequestBody): Turn => {
    if (hasImage(body)) return vision ? { text: 'Red' } : { fault: { status: 400, body: { error: { message: 'Image input is not supported by this model' } } } };
    if (body.tools?.length) return { toolCalls: [{ name: 'ping', arguments: { value: 'ok' } }] };
    return { text: 'hello' };
  };

  before(async () => {
    sim = await startSimulator({ apiKey: env.SIM_KEY, models: ['kimi-k2.5'], respond: respond(true) });
    visionless = await startSimulator({ apiKey: env.SIM_KEY, models: ['text-only'], respond: respond(false) });
  });
  after(async () => {
    await sim.close();
    await visionless.close();
  });

  it('passes every check on a healthy endpoint, sending thinking off in the vLLM dialect', async () => {
    const checks = await runDoctor({ baseUrl: sim.url, model: 'kimi-k2.5', apiKeyEnv: 'SIM_KEY', env, timeoutMs: 10_000 });
    assert.deepEqual(checks.map((c) => [c.name, c.status]), [
      ['configuration', 'ok'],
      ['reachable', 'ok'],
      ['model listed', 'ok'],
      ['tool calls', 'ok'],
      ['images', 'ok'],
    ], formatChecks(checks));
    const toolReq = sim.requests.find((r) => r.body.tools?.length);
    assert.deepEqual((toolReq?.body as Record<string, unknown>).chat_template_kwargs, { thinking: false });
    assert.equal(toolReq?.headers.authorization, `Bearer ${env.SIM_KEY}`);
  });

  it('says which models exist and that images are unsupported', async () => {
    const checks = await runDoctor({ baseUrl: visionless.url, model: 'kimi-k2.5', apiKeyEnv: 'SIM_KEY', env, timeoutMs: 10_000 });
    const listed = checks.find((c) => c.name === 'model listed');
    assert.equal(listed?.status, 'fail');
    assert.match(listed?.fix ?? '', /--model with one of: text-only/);
    const checks2 = await runDoctor({ baseUrl: visionless.url, model: 'text-only', apiKeyEnv: 'SIM_KEY', env, timeoutMs: 10_000 });
    const images = checks2.find((c) => c.name === 'images');
    assert.equal(images?.status, 'fail');
    assert.match(images?.detail ?? '', /400.*not supported/);
  });

  it('reports a refused key and an unreachable server with fixes', async () => {
    const bad = await runDoctor({ baseUrl: sim.url, model: 'kimi-k2.5', apiKeyEnv: 'SIM_KEY', env: { SIM_KEY: 'sk-wrong-key-123' }, timeoutMs: 10_000 });
    assert.equal(bad.find((c) => c.name === 'reachable')?.status, 'fail');
    assert.match(bad.find((c) => c.name === 'reachable')?.fix ?? '', /SIM_KEY/);
    const port = sim.port;
    const closed = await startSimulator();
    const deadUrl = closed.url;
    await closed.close();
    const down = await runDoctor({ baseUrl: deadUrl, model: 'kimi-k2.5', env: {}, timeoutMs: 5_000 });
    assert.ok(port > 0);
    const reach = down.find((c) => c.name === 'reachable');
    assert.equal(reach?.status, 'fail');
    assert.match(reach?.fix ?? '', /Nothing answered/);
  });

  it('without an endpoint or GGUF, says exactly how to configure one', async () => {
    const checks = await runDoctor({ env: {}, timeoutMs: 1000 });
    assert.equal(checks[0]?.status, 'fail');
    assert.match(checks[0]?.fix ?? '', /MOONSHOT_API_KEY/);
    assert.match(checks[0]?.fix ?? '', /SWARMCODE_MODEL_PATH/);
    assert.match(checks[0]?.fix ?? '', /--base-url/);
  });
});
