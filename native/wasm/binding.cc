// WebAssembly face of TrigramIndex (embind), the counterpart of native/src/index_wrap.cc for
// targets without the compiled addon. Built by scripts/build-wasm.mjs from the same sources in
// native/src; native/wasm.ts adapts it to the addon's interface (NativeTrigramIndex).
//
// Differences from the N-API wrapper, all on the JavaScript side of the line:
//  - no worker thread: native/wasm.ts calls `add` per file and yields to the event loop;
//  - strings come back as one UTF-8 byte array plus end offsets (decoded in JavaScript);
//  - typed arrays are copied out of the wasm heap before returning (it may grow and move).
// Files are read through emscripten's NODERAWFS (the host file system, synchronously).
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "../src/line_scan.h"
#include "../src/trigram_index.h"

using emscripten::val;

namespace swarm {
namespace {

bool ParsePlan(const val& v, Plan& out, int depth = 0) {
  if (depth > 64 || v.typeOf().as<std::string>() != "object" || v.isNull()) return false;
  std::string op = v["op"].isString() ? v["op"].as<std::string>() : "";
  if (op == "all") {
    out.op = Plan::kAll;
  } else if (op == "lit") {
    out.op = Plan::kLiteral;
    out.literal = v["s"].isString() ? v["s"].as<std::string>() : "";
  } else if (op == "and" || op == "or") {
    out.op = op == "and" ? Plan::kAnd : Plan::kOr;
    val a = v["args"];
    if (!val::global("Array").call<bool>("isArray", a)) return false;
    uint32_t n = a["length"].as<uint32_t>();
    out.args.resize(n);
    for (uint32_t i = 0; i < n; i++)
      if (!ParsePlan(a[i], out.args[i], depth + 1)) return false;
  } else {
    return false;
  }
  return true;
}

template <typename T>
val Copy(const char* ctor, const T* data, size_t n) {
  return val::global(ctor).new_(val(emscripten::typed_memory_view(n, data)));
}
val U32(const std::vector<uint32_t>& v) { return Copy("Uint32Array", v.data(), v.size()); }
val U8(const std::vector<uint8_t>& v) { return Copy("Uint8Array", v.data(), v.size()); }

/** Strings for JavaScript: their bytes back to back, and where each one ends. */
struct Texts {
  std::string bytes;
  std::vector<uint32_t> ends;
  void Add(const char* p, size_t n) {
    bytes.append(p, n);
    ends.push_back(uint32_t(bytes.size()));
  }
  void Set(val& r, const char* bytesKey, const char* endsKey) const {
    r.set(bytesKey, Copy("Uint8Array", reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
    r.set(endsKey, U32(ends));
  }
};

std::vector<uint32_t> Ids(const val& v) { return emscripten::convertJSArrayToNumberVector<uint32_t>(v); }

bool ByteSet(const val& v, bool (&out)[256]) {
  if (!v.instanceof(val::global("Uint8Array")) || v["length"].as<uint32_t>() != 256) return false;
  std::vector<uint8_t> b = emscripten::convertJSArrayToNumberVector<uint8_t>(v);
  for (size_t i = 0; i < 256; i++) out[i] = b[i] != 0;
  return true;
}

double Num(const val& o, const char* key, double def) {
  val x = o[key];
  return x.isNumber() ? x.as<double>() : def;
}

}  // namespace

class WasmIndex {
 public:
  WasmIndex(double maxFileBytes, double memoryCapBytes, double maxLineBytes) {
    IndexOptions o;
    if (maxFileBytes > 0) o.max_file_bytes = uint64_t(maxFileBytes);
    if (memoryCapBytes > 0) o.memory_cap_bytes = uint64_t(memoryCapBytes);
    if (maxLineBytes > 0) o.max_line_bytes = uint32_t(maxLineBytes);
    index_ = std::make_unique<TrigramIndex>(o);
  }

  /** Reads (from disk, or `content` when hasContent) and commits one file: {id, status}. */
  val Add(const std::string& rel, const std::string& abs, bool hasContent, const std::string& content) {
    PreparedFile pf = index_->Prepare(rel, abs, hasContent ? &content : nullptr);
    uint32_t id = index_->Commit(std::move(pf));
    val r = val::object();
    r.set("id", id);
    r.set("status", int(pf.status));  // Commit moves the strings only; status is final
    return r;
  }

  void Shrink() { index_->ShrinkAll(); }
  bool Remove(const std::string& rel) { return index_->Remove(rel); }

  val Candidates(const val& planJs) {
    Plan plan;
    if (!ParsePlan(planJs, plan)) return val::null();
    return U32(index_->Candidates(plan));
  }

  val FindLiteral(const val& idsJs, const std::string& needle, uint32_t max) {
    std::vector<LiteralMatch> out;
    bool truncated = index_->FindLiteral(Ids(idsJs), needle, max, out);
    std::vector<uint32_t> ids, lines, cols;
    Texts texts;
    for (const LiteralMatch& m : out) {
      ids.push_back(m.id), lines.push_back(m.line), cols.push_back(m.column);
      texts.Add(m.text.data(), m.text.size());
    }
    val r = val::object();
    r.set("ids", U32(ids));
    r.set("lines", U32(lines));
    r.set("columns", U32(cols));
    texts.Set(r, "textBytes", "textEnds");
    r.set("truncated", truncated);
    return r;
  }

  val CandidateLines(const val& idsJs, double file, double off, double line, const val& spec, uint32_t maxLines, uint32_t textCap) {
    ScanPos pos;
    pos.file = size_t(file), pos.off = uint32_t(off), pos.line = uint32_t(line);
    LineFilter filter;
    if (!ParsePlan(spec["plan"], filter.plan)) return val::null();
    filter.ci = spec["ci"].as<bool>();
    if (spec["runLen"].isNumber() && ByteSet(spec["runSet"], filter.run_set)) filter.run_len = spec["runLen"].as<uint32_t>();
    if (ByteSet(spec["riskSet"], filter.risk_set)) {
      filter.risk = true;
      if (spec["riskPrefix"].isString()) filter.risk_prefix = spec["riskPrefix"].as<std::string>();
      filter.risk_power = uint32_t(Num(spec, "riskPower", filter.risk_power));
      filter.risk_budget = Num(spec, "riskBudget", filter.risk_budget);
    }
    val rs = spec["reachSets"];
    if (rs.instanceof(val::global("Uint8Array"))) {
      std::vector<uint8_t> sets = emscripten::convertJSArrayToNumberVector<uint8_t>(rs);
      for (size_t k = 0; k + 256 <= sets.size(); k += 256) {
        filter.reach_sets.emplace_back(256);
        for (size_t b = 0; b < 256; b++) filter.reach_sets.back()[b] = sets[k + b] != 0;
      }
    }
    if (spec["headChars"].isNumber()) filter.head_units = uint32_t(std::min(1048576.0, spec["headChars"].as<double>()));
    if (spec["fixedLen"].isNumber()) filter.fixed_len = int64_t(spec["fixedLen"].as<double>());
    std::vector<CandidateLine> out;
    std::vector<Window> wins;
    std::string texts;
    ScanCandidateLines(*index_, Ids(idsJs), pos, filter, maxLines, out, wins, texts);
    std::vector<uint32_t> ids, lines, lens, wf, wc, ws;
    std::vector<uint8_t> wp;
    Texts lt, wt;
    for (const CandidateLine& c : out) {
      ids.push_back(c.id), lines.push_back(c.line), lens.push_back(c.len);
      wf.push_back(c.win_first), wc.push_back(c.windowed ? c.win_count : 0);
      bool drop = !c.safe || (!c.windowed && c.len > textCap);
      lt.Add(texts.data() + c.text_off, drop ? 0 : c.text_len);
    }
    for (const Window& w : wins) {
      wt.Add(texts.data() + w.text_off, w.text_len);
      ws.push_back(w.start);
      wp.push_back(uint8_t((w.pad_l ? 1 : 0) | (w.pad_r ? 2 : 0)));
    }
    val r = val::object();
    r.set("next", double(pos.file));
    r.set("nextOff", double(pos.off));
    r.set("nextLine", double(pos.line));
    r.set("ids", U32(ids));
    r.set("lines", U32(lines));
    r.set("lens", U32(lens));
    lt.Set(r, "textBytes", "textEnds");
    r.set("winFirst", U32(wf));
    r.set("winCount", U32(wc));
    wt.Set(r, "winBytes", "winEnds");
    r.set("winStarts", U32(ws));
    r.set("winPads", U8(wp));
    return r;
  }

  val CountLiteral(const val& idsJs, const std::string& needle, double lineCap) {
    std::vector<FileCount> out;
    bool capped = swarm::CountLiteral(*index_, Ids(idsJs), needle, uint32_t(std::min(4294967295.0, std::max(0.0, lineCap))), out);
    std::vector<uint32_t> ids, lines, matches;
    for (const FileCount& f : out) ids.push_back(f.id), lines.push_back(f.lines), matches.push_back(f.matches);
    val r = val::object();
    r.set("ids", U32(ids));
    r.set("lines", U32(lines));
    r.set("matches", U32(matches));
    r.set("capped", capped);
    return r;
  }

  val Content(uint32_t id) {
    std::string out;
    if (!index_->Content(id, out)) return val::undefined();
    return Copy("Uint8Array", reinterpret_cast<const uint8_t*>(out.data()), out.size());
  }

  val LongLineFiles(uint32_t minLen) { return U32(index_->LongLineFiles(minLen)); }

  val Stats() {
    TrigramIndex::Stats s = index_->GetStats();
    val r = val::object();
    r.set("files", double(s.files));
    r.set("indexedFiles", double(s.indexed));
    r.set("overflowFiles", double(s.overflow));
    r.set("contentBytes", double(s.content_bytes));
    r.set("postingBytes", double(s.posting_bytes));
    r.set("tableBytes", double(s.table_bytes));
    r.set("metaBytes", double(s.meta_bytes));
    r.set("blockBytes", double(s.block_bytes));
    r.set("totalBytes", double(s.content_bytes + s.posting_bytes + s.table_bytes + s.meta_bytes + s.block_bytes));
    r.set("trigrams", double(s.trigrams));
    r.set("postings", double(s.postings));
    r.set("deadFiles", double(s.dead));
    return r;
  }

  void Compact() {
    index_->Compact();
    index_->ShrinkAll();
  }

 private:
  std::unique_ptr<TrigramIndex> index_;
};

}  // namespace swarm

EMSCRIPTEN_BINDINGS(swarm_index) {
  emscripten::class_<swarm::WasmIndex>("TrigramIndex")
      .constructor<double, double, double>()
      .function("add", &swarm::WasmIndex::Add)
      .function("shrink", &swarm::WasmIndex::Shrink)
      .function("remove", &swarm::WasmIndex::Remove)
      .function("candidates", &swarm::WasmIndex::Candidates)
      .function("findLiteral", &swarm::WasmIndex::FindLiteral)
      .function("candidateLines", &swarm::WasmIndex::CandidateLines)
      .function("countLiteral", &swarm::WasmIndex::CountLiteral)
      .function("content", &swarm::WasmIndex::Content)
      .function("longLineFiles", &swarm::WasmIndex::LongLineFiles)
      .function("stats", &swarm::WasmIndex::Stats)
      .function("compact", &swarm::WasmIndex::Compact);
  emscripten::constant("abiVersion", 1);
}
