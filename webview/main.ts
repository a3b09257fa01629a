// Chat panel entry (bundled to dist/webview.js). Wires the typed message map to the views.
import type { ToWebview } from './messages';
import { ApprovalQueue } from './approvals';
import { Composer } from './composer';
import { h } from './dom';
import { HistoryBar } from './history';
import { Transcript } from './transcript';
import { loadState, onMessage, post, saveState } from './vscode';

function main(): void {
  const app = document.getElementById('app') ?? document.body.appendChild(h('div', { attrs: { id: 'app' } }));
  const state = loadState();
  let pending = false;
  let firstInit = true;

  let scrollTimer = 0;
  const transcript = new Transcript((top) => {
    clearTimeout(scrollTimer);
    scrollTimer = window.setTimeout(() => saveState({ scrollTop: top }), 150);
  });
  const history = new HistoryBar({
    newChat: () => post({ type: 'newChat' }),
    open: (id) => post({ type: 'openConversation', id }),
    refresh: () => post({ type: 'listConversations' }),
  });
  const composer = new Composer({
    send: (text, images, thinking) => {
      transcript.addUser(text, images);
      pending = true;
      sync();
      post({ type: 'send', text, images, ...(thinking ? { thinking } : {}) });
    },
    stop: () => post({ type: 'stop' }),
    toComponent: (image, name) => post({ type: 'imageToComponent', image, ...(name ? { name } : {}) }),
    draftChanged: (draft, thinking) => saveState({ draft, thinking }),
  }, state.draft, state.thinking);

  const approvals = new ApprovalQueue((a) => post({ type: 'approve', ...a }));

  const sync = () => composer.setBusy(pending || !!transcript.activeRun);

  app.classList.add('chat');
  app.replaceChildren(history.el, transcript.el, approvals.el, composer.el);

  const handle = (msg: ToWebview): void => {
    switch (msg.type) {
      case 'init':
        pending = false;
        transcript.load(msg.conversation);
        history.setCurrent(msg.conversation.id, msg.conversation.title);
        history.setList(msg.conversations);
        // The first init after a reload restores the saved scroll position; later ones go to the end.
        transcript.restoreScroll(firstInit && state.scrollTop ? state.scrollTop : Number.MAX_SAFE_INTEGER);
        firstInit = false;
        break;
      case 'conversations':
        history.setList(msg.conversations);
        break;
      case 'runStarted':
        pending = false;
        transcript.startRun(msg.runId);
        break;
      case 'event':
        transcript.event(msg.runId, msg.event);
        break;
      case 'runEnded':
        pending = false;
        transcript.endRun(msg.result);
        approvals.endRun(msg.result.runId);
        break;
      case 'approval':
        approvals.add(msg.approval);
        break;
      case 'approvalClosed':
        approvals.close(msg.id);
        break;
      case 'error':
        pending = false;
        transcript.error(msg.message);
        break;
    }
    sync();
  };
  onMessage(handle);

  composer.focus();
  post({ type: 'ready' });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', main);
else main();
