// Every protocol handler, one per file. main.ts registers this list and nothing else.
import type { Handler } from '../context';
import { runHandler } from './run';
import { cancelHandler } from './cancel';
import { compactHandler } from './compact';
import { presetsHandler } from './presets';
import { searchHandler } from './search';
import { symbolsHandler } from './symbols';
import { visualHandler } from './visual';
import { checkpointsHandler } from './rollback-checkpoints';
import { changesHandler } from './review-changes';
import { acceptHandler } from './review-accept';
import { rejectHandler } from './review-reject';
import { removeWorktreeHandler } from './review-worktrees';
import { refactorHandler } from './refactor';
import { commandsHandler } from './commands';
import { expandCommandHandler } from './expand-command';
import { mentionsHandler } from './mentions';
import { lmHandler } from './lm';

export const handlers: Handler[] = [
  runHandler,
  cancelHandler,
  compactHandler,
  presetsHandler,
  searchHandler,
  symbolsHandler,
  visualHandler,
  checkpointsHandler,
  changesHandler,
  acceptHandler,
  rejectHandler,
  removeWorktreeHandler,
  refactorHandler,
  commandsHandler,
  expandCommandHandler,
  mentionsHandler,
  lmHandler,
];
