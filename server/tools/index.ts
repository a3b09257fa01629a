// The model-visible built-in tools (DESIGN.md §3). Just the list; one file per tool.
import type { Tool } from './types';
import { readFile } from './read_file';
import { listFiles } from './list_files';
import { grep } from './grep';
import { editFile } from './edit_file';
import { writeFile } from './write_file';
import { runCommand } from './run_command';

export const builtinTools: Tool[] = [readFile, listFiles, grep, editFile, writeFile, runCommand];
