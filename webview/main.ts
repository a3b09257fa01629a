// Chat panel entry (bundled to dist/webview.js). Wires the typed message map to the views.
import type { ImageInput, ThinkingMode } from '../server/protocol';
import type { ContextRef, ToWebview } from './messages';
import { ApprovalQueue } from './approvals';
import { Composer } from './composer';
import { h } from './dom';
import { HistoryBar } from './history';
import { setStallMs } from './lanes';
import { Transcript } from './transcript';
import { loadState, onMessage, post, saveState } from './vscode';

const ACT_ON_PLAN = 'Act on this plan: carry it out step by step, check the result (tests, build) and report what you changed.';

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
    refresh: (query) => post({ type: 'listConversations', ...(query ? { query } : {}) }),
    remove: (id) => post({ type: 'deleteConversation', id }),
    exportMd: (id) => post({ type: 'exportConversation', id }),
  });
  const send = (text: string, images: ImageInput[], thinking?: ThinkingMode, plan = false, context: ContextRef[] = []) => {
    transcript.addUser(text, images);
    pending = true;
    sync();
    post({ type: 'send', text, images, ...(thinking ? { thinking } : {}), ...(plan ? { plan } : {}), ...(context.length ? { context } : {}) });
  };
  // "Act on this plan": a normal run with the plan as its context.
  transcript.onActOnPlan = (plan) => {
    if (pending || transcript.activeRun) return;
    composer.setPlan(false);
    send(`${ACT_ON_PLAN}\n\n${plan}`, []);
  };
  const composer = new Composer({
    send: (text, images, thinking, plan, context) => send(text, images, thinking, plan, context),
    mentionQuery: (id, query) => post({ type: 'mentionQuery', id, query }),
    command: (name, args) => post({ type: 'command', name, args }),
    commandsWanted: () => post({ type: 'listCommands' }),
    stop: () => post({ type: 'stop' }),
    toComponent: (image, name) => post({ type: 'imageToComponent', image, ...(name ? { name } : {}) }),
    draftChanged: (draft, thinking) => saveState({ draft, thinking }),
  }, state.draft, state.thinking);

  const approvals = new ApprovalQueue((a) => post({ type: 'approve', ...a }));

  const sync = () => {
    composer.setBusy(pending || !!transcript.activeRun);
    transcript.setBusy(pending || !!transcript.activeRun);
  };

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
        history.setList(msg.conversations, msg.query);
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
      case 'notice':
        pending = false;
        transcript.notice(msg.message);
        break;
      case 'commands':
        composer.setCommands(msg.commands);
        break;
      case 'insertText':
        composer.insert(msg.text);
        break;
      case 'mentionResults':
        composer.mentionResults(msg.id, msg.items);
        return; // not a state change: no sync()
      case 'editorContext':
        composer.setEditorContext(msg.enabled, msg.context);
        return;
      case 'swarmSettings':
        setStallMs(msg.stallSeconds * 1000);
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
