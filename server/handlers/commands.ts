// swarm/commands: the slash commands of the workspace (built-in, .swarmcode/commands of every folder, user, other sources).
import type { Handler } from '../context';
import { CommandsRequest } from '../protocol';
import { commandSources, listCommands, rulesRoots } from '../rules';
import { checked, noParams } from './params';

export const commandsHandler: Handler = {
  register(ctx) {
    ctx.connection.onRequest(CommandsRequest, (raw) => {
      checked(CommandsRequest.method, noParams, raw);
      return listCommands(commandSources(rulesRoots(ctx.workspace)));
    });
  },
};
