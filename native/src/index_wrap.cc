#include "index_wrap.h"

#include "line_scan.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

namespace swarm {

namespace {

bool ParsePlan(const Napi::Value& v, Plan& out, int depth = 0) {
  if (depth > 64 || !v.IsObject()) return false;
  Napi::Object o = v.As<Napi::Object>();
  std::string op = o.Get("op").ToString().Utf8Value();
  if (op == "all") {
    out.op = Plan::kAll;
  } else if (op == "lit") {
    out.op = Plan::kLiteral;
    out.literal = o.Get("s").ToString().Utf8Value();
  } else if (op == "and" || op == "or") {
    out.op = op == "and" ? Plan::kAnd : Plan::kOr;
    Napi::Value a = o.Get("args");
    if (!a.IsArray()) return false;
    Napi::Array arr = a.As<Napi::Array>();
    out.args.resize(arr.Length());
    for (uint32_t i = 0; i < arr.Length(); i++)
      if (!ParsePlan(arr.Get(i), out.args[i], depth + 1)) return false;
  } else {
    return false;
  }
  return true;
}

/** A JS string from UTF-8 bytes; plain ASCII takes the cheaper Latin-1 path. */
Napi::Value Text(Napi::Env env, const char* p, size_t n) {
  size_t i = 0;
  uint64_t acc = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    acc |= w;
  }
  for (; i < n; i++) acc |= uint8_t(p[i]);
  napi_value v;
  if (!(acc & 0x8080808080808080ull)) napi_create_string_latin1(env, p, n, &v);
  else napi_create_string_utf8(env, p, n, &v);
  return Napi::Value(env, v);
}

Napi::Uint32Array ToU32(Napi::Env env, const std::vector<uint32_t>& v) {
  Napi::Uint32Array a = Napi::Uint32Array::New(env, v.size());
  if (!v.empty()) std::memcpy(a.Data(), v.data(), v.size() * 4);
  return a;
}

class AddWorker : public Napi::AsyncWorker {
 public:
  AddWorker(Napi::Env env, std::shared_ptr<TrigramIndex> index, std::vector<std::string> rels,
            std::vector<std::string> abss)
      : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), index_(std::move(index)),
        rels_(std::move(rels)), abss_(std::move(abss)) {}
  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
    ids_.resize(rels_.size());
    statuses_.resize(rels_.size());
    for (size_t i = 0; i < rels_.size(); i++) {
      PreparedFile pf = index_->Prepare(rels_[i], abss_[i], nullptr);
      std::lock_guard<std::mutex> lock(index_->mu);
      ids_[i] = index_->Commit(std::move(pf));
      statuses_[i] = uint8_t(pf.status);  // Commit moves the strings only; status is final
    }
    std::lock_guard<std::mutex> lock(index_->mu);
    index_->ShrinkAll();
  }
  void OnOK() override {
    Napi::Env env = Env();
    Napi::Object r = Napi::Object::New(env);
    r.Set("ids", ToU32(env, ids_));
    Napi::Uint8Array st = Napi::Uint8Array::New(env, statuses_.size());
    for (size_t i = 0; i < statuses_.size(); i++) st[i] = statuses_[i];
    r.Set("statuses", st);
    deferred_.Resolve(r);
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  std::shared_ptr<TrigramIndex> index_;
  std::vector<std::string> rels_, abss_;
  std::vector<uint32_t> ids_;
  std::vector<uint8_t> statuses_;
};

std::vector<std::string> Strings(const Napi::Value& v) {
  std::vector<std::string> out;
  if (!v.IsArray()) return out;
  Napi::Array a = v.As<Napi::Array>();
  out.reserve(a.Length());
  for (uint32_t i = 0; i < a.Length(); i++) out.push_back(a.Get(i).ToString().Utf8Value());
  return out;
}

}  // namespace

Napi::Function IndexWrap::Init(Napi::Env env) {
  return DefineClass(env, "TrigramIndex",
                     {InstanceMethod("addFiles", &IndexWrap::AddFiles), InstanceMethod("upsert", &IndexWrap::Upsert),
                      InstanceMethod("remove", &IndexWrap::Remove), InstanceMethod("candidates", &IndexWrap::Candidates),
                      InstanceMethod("findLiteral", &IndexWrap::FindLiteral),
                      InstanceMethod("candidateLines", &IndexWrap::CandidateLines),
                      InstanceMethod("countLiteral", &IndexWrap::CountLiteral),
                      InstanceMethod("content", &IndexWrap::Content), InstanceMethod("stats", &IndexWrap::Stats),
                      InstanceMethod("longLineFiles", &IndexWrap::LongLineFiles),
                      InstanceMethod("compact", &IndexWrap::Compact)});
}

IndexWrap::IndexWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<IndexWrap>(info) {
  IndexOptions opts;
  if (info.Length() > 0 && info[0].IsObject()) {
    Napi::Object o = info[0].As<Napi::Object>();
    if (o.Get("maxFileBytes").IsNumber()) opts.max_file_bytes = uint64_t(o.Get("maxFileBytes").As<Napi::Number>().DoubleValue());
    if (o.Get("memoryCapBytes").IsNumber()) opts.memory_cap_bytes = uint64_t(o.Get("memoryCapBytes").As<Napi::Number>().DoubleValue());
    if (o.Get("maxLineBytes").IsNumber()) opts.max_line_bytes = o.Get("maxLineBytes").As<Napi::Number>().Uint32Value();
  }
  index_ = std::make_shared<TrigramIndex>(opts);
}

Napi::Value IndexWrap::AddFiles(const Napi::CallbackInfo& info) {
  std::vector<std::string> rels = Strings(info[0]), abss = Strings(info[1]);
  if (rels.size() != abss.size()) {
    Napi::TypeError::New(info.Env(), "addFiles: rels and abss differ in length").ThrowAsJavaScriptException();
    return info.Env().Undefined();
  }
  auto* w = new AddWorker(info.Env(), index_, std::move(rels), std::move(abss));
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

Napi::Value IndexWrap::Upsert(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string rel = info[0].ToString().Utf8Value(), abs = info[1].ToString().Utf8Value();
  std::string content;
  bool has = info.Length() > 2 && info[2].IsBuffer();
  if (has) {
    auto b = info[2].As<Napi::Buffer<char>>();
    content.assign(b.Data(), b.Length());
  }
  PreparedFile pf = index_->Prepare(rel, abs, has ? &content : nullptr);
  std::lock_guard<std::mutex> lock(index_->mu);
  uint32_t id = index_->Commit(std::move(pf));
  FileStatus st = pf.status;  // Commit moves the strings only; status is final
  Napi::Object r = Napi::Object::New(env);
  r.Set("id", id == UINT32_MAX ? env.Null() : Napi::Number::New(env, id));
  r.Set("status", StatusName(st));
  return r;
}

Napi::Value IndexWrap::Remove(const Napi::CallbackInfo& info) {
  std::lock_guard<std::mutex> lock(index_->mu);
  return Napi::Boolean::New(info.Env(), index_->Remove(info[0].ToString().Utf8Value()));
}

Napi::Value IndexWrap::Candidates(const Napi::CallbackInfo& info) {
  Plan plan;
  if (!ParsePlan(info[0], plan)) {
    Napi::TypeError::New(info.Env(), "candidates: bad plan").ThrowAsJavaScriptException();
    return info.Env().Undefined();
  }
  std::lock_guard<std::mutex> lock(index_->mu);
  return ToU32(info.Env(), index_->Candidates(plan));
}

Napi::Value IndexWrap::FindLiteral(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto arr = info[0].As<Napi::Uint32Array>();
  std::vector<uint32_t> ids(arr.Data(), arr.Data() + arr.ElementLength());
  std::string needle = info[1].ToString().Utf8Value();
  uint32_t max = info[2].As<Napi::Number>().Uint32Value();
  std::vector<LiteralMatch> out;
  bool truncated;
  {
    std::lock_guard<std::mutex> lock(index_->mu);
    truncated = index_->FindLiteral(ids, needle, max, out);
  }
  Napi::Uint32Array rid = Napi::Uint32Array::New(env, out.size()), rl = Napi::Uint32Array::New(env, out.size()),
                    rc = Napi::Uint32Array::New(env, out.size());
  Napi::Array texts = Napi::Array::New(env, out.size());
  for (size_t i = 0; i < out.size(); i++) {
    rid[i] = out[i].id;
    rl[i] = out[i].line;
    rc[i] = out[i].column;
    texts.Set(uint32_t(i), Napi::String::New(env, out[i].text));
  }
  Napi::Object r = Napi::Object::New(env);
  r.Set("ids", rid);
  r.Set("lines", rl);
  r.Set("columns", rc);
  r.Set("texts", texts);
  r.Set("truncated", truncated);
  return r;
}

Napi::Value IndexWrap::CandidateLines(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto arr = info[0].As<Napi::Uint32Array>();
  std::vector<uint32_t> ids(arr.Data(), arr.Data() + arr.ElementLength());
  ScanPos pos;
  if (info[1].IsObject()) {
    Napi::Object o = info[1].As<Napi::Object>();
    pos.file = o.Get("file").As<Napi::Number>().Uint32Value();
    pos.off = o.Get("off").As<Napi::Number>().Uint32Value();
    pos.line = o.Get("line").As<Napi::Number>().Uint32Value();
  } else {
    pos.file = info[1].As<Napi::Number>().Uint32Value();
  }
  LineFilter filter;
  Napi::Object spec = info[2].As<Napi::Object>();
  if (!ParsePlan(spec.Get("plan"), filter.plan)) {
    Napi::TypeError::New(env, "candidateLines: bad plan").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  filter.ci = spec.Get("ci").ToBoolean();
  Napi::Value rl = spec.Get("runLen"), rs = spec.Get("runSet");
  if (rl.IsNumber() && rs.IsTypedArray()) {
    auto set = rs.As<Napi::Uint8Array>();
    if (set.ElementLength() == 256) {
      filter.run_len = rl.As<Napi::Number>().Uint32Value();
      for (size_t b = 0; b < 256; b++) filter.run_set[b] = set[b] != 0;
    }
  }
  Napi::Value rk = spec.Get("riskSet");
  if (rk.IsTypedArray() && rk.As<Napi::Uint8Array>().ElementLength() == 256) {
    auto set = rk.As<Napi::Uint8Array>();
    filter.risk = true;
    for (size_t b = 0; b < 256; b++) filter.risk_set[b] = set[b] != 0;
    if (spec.Get("riskPrefix").IsString()) filter.risk_prefix = spec.Get("riskPrefix").ToString().Utf8Value();
    if (spec.Get("riskPower").IsNumber()) filter.risk_power = spec.Get("riskPower").As<Napi::Number>().Uint32Value();
    if (spec.Get("riskBudget").IsNumber()) filter.risk_budget = spec.Get("riskBudget").As<Napi::Number>().DoubleValue();
  }
  Napi::Value rs2 = spec.Get("reachSets");
  if (rs2.IsTypedArray()) {
    auto sets = rs2.As<Napi::Uint8Array>();
    for (size_t k = 0; k + 256 <= sets.ElementLength(); k += 256) {
      filter.reach_sets.emplace_back(256);
      for (size_t b = 0; b < 256; b++) filter.reach_sets.back()[b] = sets[k + b] != 0;
    }
  }
  if (spec.Get("headChars").IsNumber()) filter.head_units = uint32_t(std::min(1048576.0, spec.Get("headChars").As<Napi::Number>().DoubleValue()));
  if (spec.Get("fixedLen").IsNumber()) filter.fixed_len = int64_t(spec.Get("fixedLen").As<Napi::Number>().DoubleValue());
  uint32_t max_lines = info[3].As<Napi::Number>().Uint32Value();
  uint32_t text_cap = info[4].As<Napi::Number>().Uint32Value();
  std::vector<CandidateLine> out;
  std::vector<Window> wins;
  std::string texts;
  {
    std::lock_guard<std::mutex> lock(index_->mu);
    ScanCandidateLines(*index_, ids, pos, filter, max_lines, out, wins, texts);
  }
  Napi::Uint32Array rid = Napi::Uint32Array::New(env, out.size()), rline = Napi::Uint32Array::New(env, out.size()),
                    rlen = Napi::Uint32Array::New(env, out.size()), rwf = Napi::Uint32Array::New(env, out.size()),
                    rwc = Napi::Uint32Array::New(env, out.size());
  Napi::Array rtext = Napi::Array::New(env, out.size());
  for (size_t i = 0; i < out.size(); i++) {
    const CandidateLine& c = out[i];
    rid[i] = c.id;
    rline[i] = c.line;
    rlen[i] = c.len;
    rwf[i] = c.win_first;
    rwc[i] = c.windowed ? c.win_count : 0;
    bool drop = !c.safe || (!c.windowed && c.len > text_cap);
    rtext.Set(uint32_t(i), drop ? Napi::String::New(env, "") : Text(env, texts.data() + c.text_off, c.text_len));
  }
  Napi::Array wtext = Napi::Array::New(env, wins.size());
  Napi::Uint32Array wstart = Napi::Uint32Array::New(env, wins.size());
  Napi::Uint8Array wpad = Napi::Uint8Array::New(env, wins.size());
  for (size_t w = 0; w < wins.size(); w++) {
    wtext.Set(uint32_t(w), Text(env, texts.data() + wins[w].text_off, wins[w].text_len));
    wstart[w] = wins[w].start;
    wpad[w] = uint8_t((wins[w].pad_l ? 1 : 0) | (wins[w].pad_r ? 2 : 0));
  }
  Napi::Object r = Napi::Object::New(env);
  r.Set("next", double(pos.file));
  r.Set("nextOff", double(pos.off));
  r.Set("nextLine", double(pos.line));
  r.Set("ids", rid);
  r.Set("lines", rline);
  r.Set("lens", rlen);
  r.Set("texts", rtext);
  r.Set("winFirst", rwf);
  r.Set("winCount", rwc);
  r.Set("winTexts", wtext);
  r.Set("winStarts", wstart);
  r.Set("winPads", wpad);
  return r;
}

Napi::Value IndexWrap::CountLiteral(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto arr = info[0].As<Napi::Uint32Array>();
  std::vector<uint32_t> ids(arr.Data(), arr.Data() + arr.ElementLength());
  std::string needle = info[1].ToString().Utf8Value();
  uint32_t cap = uint32_t(std::min(4294967295.0, info[2].As<Napi::Number>().DoubleValue()));
  std::vector<FileCount> out;
  bool capped;
  {
    std::lock_guard<std::mutex> lock(index_->mu);
    capped = swarm::CountLiteral(*index_, ids, needle, cap, out);
  }
  Napi::Uint32Array rid = Napi::Uint32Array::New(env, out.size()), rl = Napi::Uint32Array::New(env, out.size()),
                    rm = Napi::Uint32Array::New(env, out.size());
  for (size_t i = 0; i < out.size(); i++) rid[i] = out[i].id, rl[i] = out[i].lines, rm[i] = out[i].matches;
  Napi::Object r = Napi::Object::New(env);
  r.Set("ids", rid);
  r.Set("lines", rl);
  r.Set("matches", rm);
  r.Set("capped", capped);
  return r;
}

Napi::Value IndexWrap::Content(const Napi::CallbackInfo& info) {
  std::string out;
  bool ok;
  {
    std::lock_guard<std::mutex> lock(index_->mu);
    ok = index_->Content(info[0].As<Napi::Number>().Uint32Value(), out);
  }
  if (!ok) return info.Env().Undefined();
  return Napi::Buffer<char>::Copy(info.Env(), out.data(), out.size());
}

Napi::Value IndexWrap::LongLineFiles(const Napi::CallbackInfo& info) {
  std::lock_guard<std::mutex> lock(index_->mu);
  return ToU32(info.Env(), index_->LongLineFiles(info[0].As<Napi::Number>().Uint32Value()));
}

Napi::Value IndexWrap::Stats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  TrigramIndex::Stats s;
  {
    std::lock_guard<std::mutex> lock(index_->mu);
    s = index_->GetStats();
  }
  Napi::Object r = Napi::Object::New(env);
  r.Set("files", double(s.files));
  r.Set("indexedFiles", double(s.indexed));
  r.Set("overflowFiles", double(s.overflow));
  r.Set("contentBytes", double(s.content_bytes));
  r.Set("postingBytes", double(s.posting_bytes));
  r.Set("tableBytes", double(s.table_bytes));
  r.Set("metaBytes", double(s.meta_bytes));
  r.Set("blockBytes", double(s.block_bytes));
  r.Set("totalBytes", double(s.content_bytes + s.posting_bytes + s.table_bytes + s.meta_bytes + s.block_bytes));
  r.Set("trigrams", double(s.trigrams));
  r.Set("postings", double(s.postings));
  r.Set("deadFiles", double(s.dead));
  return r;
}

Napi::Value IndexWrap::Compact(const Napi::CallbackInfo& info) {
  std::lock_guard<std::mutex> lock(index_->mu);
  index_->Compact();
  index_->ShrinkAll();
  return info.Env().Undefined();
}

}  // namespace swarm
