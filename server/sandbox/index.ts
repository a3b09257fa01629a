// Process containment (docs/security.md): every command a tool starts runs inside an OS sandbox
// when one is available, with an environment scrubbed of secrets; outputs are redacted of the
// known secret values before they reach the model or the client.
import * as os from 'node:os';
import * as path from 'node:path';
import { bwrapArgs } from './bwrap';
import { detectSandbox, type Availability } from './detect';
import { scrubEnv, type EnvPolicy } from './env';
import { secretPaths } from './paths';
import type { SandboxPolicy } from './policy';
import { Redactor } from './redact';
import { BRIDGE_JS, HostProxy, PROXY_PORT } from './proxy';
import { seatbeltProfile } from './seatbelt';

export { isExecConfig, isInGitDir, secretPaths } from './paths';
export { scrubEnv, isSecretName, PROVIDER_KEY_VARS } from './env';
export { Redactor, REDACTED } from './redact';
export { detectSandbox, type Availability } from './detect';
export type { SandboxPolicy } from './policy';
export { hostAllowed } from './proxy';

/** The settings this module reads (a subset of ServerSettings). */
export interface SandboxSettings {
  /** 'auto': bubblewrap / sandbox-exec when available; 'off': never (every command then asks). */
  sandbox?: 'auto' | 'off';
  /** Network inside the sandbox. */
  allowNetwork?: boolean;
  /** Without allowNetwork: hosts reachable through the sandbox's HTTP(S) proxy (Linux). */
  allowedHosts?: string[];
  /** Variable names passed to children although they look secret. */
  envPassthrough?: string[];
  /** Variable names removed whatever they look like (the CLI's `--api-key-env`). */
  secretEnv?: string[];
  apiKey?: string;
  /** The shell setting commands run through (server/tools/shell.ts). */
  shell?: string;
}

export interface SandboxOptions {
  baseEnv?: NodeJS.ProcessEnv;
  home?: string;
  /** Hidden besides the home secrets (e.g. the checkpoint journal folder). */
  extraHidden?: string[];
  platform?: NodeJS.Platform;
  bwrapPath?: string;
}

/** Fixed additions to every child's environment: no pagers, no prompts, no colour codes. */
const CHILD_DEFAULTS = { PAGER: 'cat', GIT_PAGER: 'cat', GIT_TERMINAL_PROMPT: '0', TERM: 'dumb', NO_COLOR: '1' };

export interface SpawnSpec {
  file: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

export class Sandbox {
  private readonly redactor = new Redactor();
  private redactKey = '';
  private readonly proxy = new HostProxy(() => this.settings().allowedHosts ?? []);

  constructor(
    private readonly settings: () => SandboxSettings,
    private readonly opts: SandboxOptions = {},
  ) {}

  /** The OS sandbox, or why there is none (also when turned off in the settings). */
  availability(): Availability {
    if (this.settings().sandbox === 'off') return { kind: undefined, reason: 'the sandbox is turned off in the settings (swarmcode.sandbox.enabled)' };
    return detectSandbox(this.opts.platform, this.opts.bwrapPath);
  }

  get available(): boolean {
    return this.availability().kind !== undefined;
  }

  /** The configured shell for commands (undefined: SWARMCODE_SHELL, else auto). */
  get shell(): string | undefined {
    return this.settings().shell;
  }

  get networkAllowed(): boolean {
    return this.settings().allowNetwork === true;
  }

  /** Stops the allowed-hosts proxy, if it was started. */
  dispose(): void {
    this.proxy.close();
  }

  private envPolicy(): EnvPolicy {
    const s = this.settings();
    return { passthrough: s.envPassthrough, secretNames: s.secretEnv };
  }

  /** The server's environment without secrets, plus the child defaults. */
  childEnv(): NodeJS.ProcessEnv {
    return { ...scrubEnv(this.opts.baseEnv ?? process.env, this.envPolicy()).env, ...CHILD_DEFAULTS };
  }

  /** Cuts the API key and the values of scrubbed variables out of `text`. */
  redact(text: string): string {
    const s = this.settings();
    // Re-derived only when the key or the variable lists change (this runs for every event).
    const key = JSON.stringify([s.apiKey ?? '', s.secretEnv ?? [], s.envPassthrough ?? []]);
    if (key !== this.redactKey) {
      const scrubbed = scrubEnv(this.opts.baseEnv ?? process.env, this.envPolicy()).removedValues;
      this.redactor.set([s.apiKey, ...scrubbed]);
      this.redactKey = key;
    }
    return this.redactor.size ? this.redactor.redact(text) : text;
  }

  policy(cwd: string, writable: string[], network: boolean, readOnly: string[] = []): SandboxPolicy {
    const home = this.opts.home ?? (this.opts.baseEnv ?? process.env).HOME ?? os.homedir();
    return { writable, readOnly, hidden: secretPaths(home, this.opts.extraHidden), cwd, network };
  }

  /**
   * How to start `argv` contained: writable `writable` (default: `cwd`), `readOnly` visible (also
   * where /tmp is private), network only when asked
   * or allowed in the settings. Undefined when no sandbox is available.
   */
  wrap(argv: string[], cwd: string, opts: { writable?: string[]; readOnly?: string[]; network?: boolean } = {}): SpawnSpec | undefined {
    const a = this.availability();
    if (!a.kind) return undefined;
    const env = this.childEnv();
    const network = opts.network === true || this.networkAllowed;
    const readOnly = [...(opts.readOnly ?? [])];
    const hosts = this.settings().allowedHosts ?? [];
    if (a.kind === 'bwrap' && !network && hosts.length) {
      // Allowed hosts only: through the filtering proxy, reached over a bridge inside the sandbox.
      const { dir, socket } = this.proxy.start();
      readOnly.push(dir);
      argv = [process.execPath, '-e', BRIDGE_JS, socket, String(PROXY_PORT), ...argv];
      const url = `http://127.0.0.1:${PROXY_PORT}`;
      Object.assign(env, { HTTP_PROXY: url, HTTPS_PROXY: url, http_proxy: url, https_proxy: url });
    }
    const policy = this.policy(cwd, opts.writable ?? [cwd], network, readOnly);
    if (a.kind === 'bwrap') return { file: a.path, args: [...bwrapArgs(policy), '--', ...argv], env };
    const tmp = path.resolve(env.TMPDIR ?? os.tmpdir());
    return { file: a.path, args: ['-p', seatbeltProfile(policy, tmp), ...argv], env };
  }
}
