// Every protocol handler, one per file. main.ts registers this list and nothing else.
import type { Handler } from '../context';
import { runHandler } from './run';
import { cancelHandler } from './cancel';
import { searchHandler } from './search';

export const handlers: Handler[] = [runHandler, cancelHandler, searchHandler];
