// The JSON-RPC values the server's files use, imported from this one module: the bundle gives
// every file that imports a CommonJS package its own copy of the package's exports (getters for
// its ~60 names; ~320 through vscode-languageserver/node), which cost a one-shot run ~10 ms of
// start-up over 17 files (docs/benchmarks.md, bench/cli). The classes are the same either way.
export { CancellationTokenSource, ErrorCodes, NotificationType, RequestType, RequestType0, ResponseError } from 'vscode-jsonrpc';
