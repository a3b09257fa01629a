// The sandbox a tool uses when its context carries none (unit tests, plain server code): default
// settings, i.e. the OS sandbox when available, secrets scrubbed from the environment.
import { Sandbox } from '../sandbox';

let fallback: Sandbox | undefined;

export function defaultSandbox(): Sandbox {
  fallback ??= new Sandbox(() => ({}));
  return fallback;
}
