// The VS Code webview API, typed with our message map (webview/messages.ts).
import type { ToExtension, ToWebview } from './messages';

/** What the panel keeps across reloads / hide-show via getState/setState. */
export interface PanelState {
  draft: string;
  /** '' = the thinking setting applies; otherwise this run's override. */
  thinking: '' | 'auto' | 'on' | 'off';
  scrollTop: number;
}

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api: VsCodeApi = acquireVsCodeApi();

export function post(message: ToExtension): void {
  api.postMessage(message);
}

const DEFAULT_STATE: PanelState = { draft: '', thinking: '', scrollTop: 0 };

export function loadState(): PanelState {
  const s = api.getState() as Partial<PanelState> | undefined | null;
  return { ...DEFAULT_STATE, ...(s ?? {}) };
}

export function saveState(patch: Partial<PanelState>): void {
  api.setState({ ...loadState(), ...patch });
}

export function onMessage(handler: (msg: ToWebview) => void): void {
  window.addEventListener('message', (e: MessageEvent) => {
    const data = e.data as ToWebview | undefined;
    if (data && typeof data === 'object' && typeof data.type === 'string') handler(data);
  });
}
