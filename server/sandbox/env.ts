// The environment a child process gets: the server's own minus every secret-looking variable.
// Secrets never reach children (and so never the model): the provider key variables, any name the
// user declared a key (`--api-key-env`), and a deny pattern for secret-looking names; a
// pass-through list lets a user keep a variable the pattern would drop.

/** Key variables of the endpoint presets (server/model/presets.ts) and other common providers. */
export const PROVIDER_KEY_VARS = [
  'MOONSHOT_API_KEY',
  'KIMI_API_KEY',
  'OPENROUTER_API_KEY',
  'VLLM_API_KEY',
  'OPENAI_API_KEY',
  'ANTHROPIC_API_KEY',
  'GEMINI_API_KEY',
  'GOOGLE_API_KEY',
  'HF_TOKEN',
  'HUGGING_FACE_HUB_TOKEN',
];

/**
 * Secret-looking names: `*_API_KEY`, `*_TOKEN`, `*_SECRET`, `*PASSWORD*`, `*_CREDENTIALS`,
 * `*_PRIVATE_KEY`, `AWS_*`, `AZURE_*`, npm auth settings, agent sockets that sign with the user's keys.
 */
export const SECRET_NAME_PATTERNS: RegExp[] = [
  /(^|_)(API_?KEY|APIKEY|ACCESS_?KEY|SECRET_?KEY|PRIVATE_?KEY|KEY)$/i,
  /(^|_)(TOKEN|SECRET|SECRETS|PASSWORD|PASSWD|PASSPHRASE|CREDENTIALS?|AUTH)(_|$)/i,
  /TOKEN|SECRET|PASSWORD|PASSWD/i,
  /^(AWS|AZURE|ARM_CLIENT|GOOGLE_APPLICATION_CREDENTIALS|GCLOUD|CLOUDSDK_AUTH)(_|$)/i,
  /^npm_config_.*(_auth|authtoken|_password)/i,
  /^(SSH_AUTH_SOCK|GPG_AGENT_INFO|GNUPGHOME)$/,
];

export interface EnvPolicy {
  /** Names removed whatever they look like (e.g. the `--api-key-env` variable). */
  secretNames?: string[];
  /** Names kept even when they look secret. */
  passthrough?: string[];
}

export function isSecretName(name: string, policy: EnvPolicy = {}): boolean {
  if (policy.passthrough?.includes(name)) return false;
  if (policy.secretNames?.includes(name) || PROVIDER_KEY_VARS.includes(name)) return true;
  return SECRET_NAME_PATTERNS.some((re) => re.test(name));
}

export interface ScrubbedEnv {
  env: NodeJS.ProcessEnv;
  /** Names removed. */
  removed: string[];
  /** Values removed (non-trivial ones), for redaction of outputs. */
  removedValues: string[];
}

/** Values shorter than this are not redacted (too likely to occur by chance: `1`, `true`). */
export const MIN_SECRET_CHARS = 8;

/** `base` without secret-looking variables. Never mutates `base`. */
export function scrubEnv(base: NodeJS.ProcessEnv, policy: EnvPolicy = {}): ScrubbedEnv {
  const env: NodeJS.ProcessEnv = {};
  const removed: string[] = [];
  const removedValues: string[] = [];
  for (const [name, value] of Object.entries(base)) {
    if (value === undefined) continue;
    if (isSecretName(name, policy)) {
      removed.push(name);
      if (value.length >= MIN_SECRET_CHARS) removedValues.push(value);
    } else {
      env[name] = value;
    }
  }
  return { env, removed, removedValues };
}
