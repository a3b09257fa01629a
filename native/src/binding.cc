// Entry point of the swarm_index addon (DESIGN.md §5.10): registers one class per file.
//
//   const { TrigramIndex } = require('./build/Release/swarm_index.node');
//   const ix = new TrigramIndex({ maxFileBytes, memoryCapBytes, maxLineBytes });
//   await ix.addFiles(relPaths, absPaths);          // reads, classifies and indexes on a worker thread
//   ix.upsert(rel, abs, content?);  ix.remove(rel);  // incremental updates
//   ix.candidates(plan);                             // ids that may match an AND/OR plan of literals
//   ix.findLiteral(ids, needle, max);  ix.countLiteral(ids, needle, cap);  ix.candidateLines(ids, 0, spec, max, cap);
//   ix.content(id);  ix.stats();  ix.compact();
//
// native/index.ts is the typed loader; nothing else requires this file.
#include <napi.h>

#include "index_wrap.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("TrigramIndex", swarm::IndexWrap::Init(env));
  exports.Set("abiVersion", Napi::Number::New(env, 2));
  return exports;
}

}  // namespace

NODE_API_MODULE(swarm_index, Init)
