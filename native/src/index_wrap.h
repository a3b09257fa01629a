// N-API face of TrigramIndex: `new TrigramIndex(opts)` in JS.
#pragma once
#include <napi.h>

#include <memory>

#include "trigram_index.h"

namespace swarm {

class IndexWrap : public Napi::ObjectWrap<IndexWrap> {
 public:
  static Napi::Function Init(Napi::Env env);
  explicit IndexWrap(const Napi::CallbackInfo& info);

 private:
  Napi::Value AddFiles(const Napi::CallbackInfo& info);  // (rels, abss) → Promise<{ids, statuses}>
  Napi::Value Upsert(const Napi::CallbackInfo& info);    // (rel, abs, content?: Buffer) → {id, status}
  Napi::Value Remove(const Napi::CallbackInfo& info);    // (rel) → boolean
  Napi::Value Candidates(const Napi::CallbackInfo& info);  // (plan) → Uint32Array
  Napi::Value FindLiteral(const Napi::CallbackInfo& info); // (ids, needle, max) → {ids, lines, columns, texts, truncated}
  // (ids, first, {plan, ci, runLen?, runSet?}, maxLines, textCap) → {next, ids, lines, lens, texts}
  Napi::Value CandidateLines(const Napi::CallbackInfo& info);
  Napi::Value CountLiteral(const Napi::CallbackInfo& info);  // (ids, needle, lineCap) → {ids, lines, matches, capped}
  Napi::Value Content(const Napi::CallbackInfo& info);     // (id) → Buffer | undefined
  Napi::Value LongLineFiles(const Napi::CallbackInfo& info);  // (minLen) → Uint32Array
  Napi::Value Stats(const Napi::CallbackInfo& info);
  Napi::Value Compact(const Napi::CallbackInfo& info);

  std::shared_ptr<TrigramIndex> index_;
};

}  // namespace swarm
