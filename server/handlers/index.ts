// Every protocol handler, one per file. main.ts registers this list and nothing else.
import type { Handler } from '../context';
import { runHandler } from './run';
import { cancelHandler } from './cancel';

export const handlers: Handler[] = [runHandler, cancelHandler];
