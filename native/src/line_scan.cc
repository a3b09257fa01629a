#include "line_scan.h"

#include <algorithm>
#include <cstring>
#include <memory>

namespace swarm {

namespace {

inline uint8_t Lower(uint8_t c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }
inline bool IsAlpha(uint8_t c) { return (c | 32) >= 'a' && (c | 32) <= 'z'; }

/** Rough frequency of each byte in source text (higher = more common): memchr looks for the rarest. */
uint8_t Freq(uint8_t c) {
  static const char* kCommon = " etaoinsr\nlcdu.(p)m;,=hf\"'_/{}:gbywv*-";
  if (c >= 0x80) return 40;
  if (c < 0x20 && c != '\t' && c != '\n') return 5;
  const char* at = std::strchr(kCommon, c);
  if (c && at) return uint8_t(250 - (at - kCommon) * 3);
  if (c >= '0' && c <= '9') return 150;
  if (c >= 'A' && c <= 'Z') return 110;
  if (c >= 'a' && c <= 'z') return 120;
  return 100;
}

/** A plan with its literals compiled. */
struct Compiled {
  Plan::Op op = Plan::kAll;
  std::unique_ptr<LiteralFinder> lit;
  std::vector<Compiled> args;
};

Compiled Compile(const Plan& p, bool ci) {
  Compiled c;
  c.op = p.op;
  if (p.op == Plan::kLiteral) {
    if (p.literal.empty()) c.op = Plan::kAll;
    else c.lit = std::make_unique<LiteralFinder>(p.literal, ci);
  }
  for (const Plan& a : p.args) c.args.push_back(Compile(a, ci));
  return c;
}

bool Holds(const Compiled& c, const char* s, size_t n) {
  switch (c.op) {
    case Plan::kAll: return true;
    case Plan::kLiteral: return c.lit->Find(s, n) != nullptr;
    case Plan::kAnd:
      for (const Compiled& a : c.args) if (!Holds(a, s, n)) return false;
      return true;
    case Plan::kOr:
      for (const Compiled& a : c.args) if (Holds(a, s, n)) return true;
      return false;
  }
  return true;
}

/** Literals one of which every match contains (an OR set), chosen to be as long as possible. */
bool Anchors(const Plan& p, std::vector<std::string>& out) {
  switch (p.op) {
    case Plan::kAll: return false;
    case Plan::kLiteral:
      if (p.literal.empty()) return false;
      out.push_back(p.literal);
      return true;
    case Plan::kOr:
      for (const Plan& a : p.args) if (!Anchors(a, out)) return false;
      return true;
    case Plan::kAnd: {
      std::vector<std::string> best;
      size_t best_score = 0;
      for (const Plan& a : p.args) {
        std::vector<std::string> cur;
        if (!Anchors(a, cur)) continue;
        size_t score = SIZE_MAX;
        for (const std::string& s : cur) score = std::min(score, s.size());
        if (score > best_score || (score == best_score && cur.size() < best.size())) {
          best.swap(cur);
          best_score = score;
        }
      }
      if (best.empty()) return false;
      out.insert(out.end(), best.begin(), best.end());
      return true;
    }
  }
  return false;
}

bool HasRun(const LineFilter& f, const char* s, size_t n) {
  uint32_t run = 0;
  for (size_t i = 0; i < n; i++) {
    if (f.run_set[uint8_t(s[i])]) {
      if (++run >= f.run_len) return true;
    } else {
      run = 0;
    }
  }
  return false;
}

size_t CountNewlines(const char* p, const char* end) {
  size_t n = 0;
  while (p < end) {
    const void* q = std::memchr(p, '\n', end - p);
    if (!q) break;
    n++;
    p = static_cast<const char*>(q) + 1;
  }
  return n;
}

}  // namespace

LiteralFinder::LiteralFinder(std::string needle, bool ci) : needle_(std::move(needle)), ci_(ci) {
  if (ci_) for (char& c : needle_) c = char(Lower(uint8_t(c)));
  uint8_t best = 255;
  for (size_t i = 0; i < needle_.size(); i++) {
    uint8_t f = Freq(uint8_t(needle_[i]));
    if (f < best) best = f, rare_ = i;
  }
}

const char* LiteralFinder::Find(const char* p, size_t n) const {
  const size_t m = needle_.size();
  if (m == 0) return p;
  if (n < m) return nullptr;
  const char* end = p + n;
  const uint8_t rb = uint8_t(needle_[rare_]);
  const char* scan = p + rare_;
  const char* scan_end = end - (m - 1 - rare_);  // last useful position + 1 for the rare byte
  if (!ci_ || !IsAlpha(rb)) {
    while (scan < scan_end) {
      const char* q = static_cast<const char*>(std::memchr(scan, rb, scan_end - scan));
      if (!q) return nullptr;
      const char* s = q - rare_;
      if (!ci_) {
        if (std::memcmp(s, needle_.data(), m) == 0) return s;
      } else {
        size_t k = 0;
        while (k < m && Lower(uint8_t(s[k])) == uint8_t(needle_[k])) k++;
        if (k == m) return s;
      }
      scan = q + 1;
    }
    return nullptr;
  }
  // Case-insensitive letter: follow both cases.
  const uint8_t up = rb - 32;
  while (scan < scan_end) {
    const char* a = static_cast<const char*>(std::memchr(scan, rb, scan_end - scan));
    const char* b = static_cast<const char*>(std::memchr(scan, up, (a ? a : scan_end) - scan));
    const char* q = b ? b : a;
    if (!q) return nullptr;
    const char* s = q - rare_;
    size_t k = 0;
    while (k < m && Lower(uint8_t(s[k])) == uint8_t(needle_[k])) k++;
    if (k == m) return s;
    scan = q + 1;
  }
  return nullptr;
}

size_t ScanCandidateLines(const TrigramIndex& ix, const std::vector<uint32_t>& ids, size_t first,
                          const LineFilter& filter, uint32_t max_lines, std::vector<CandidateLine>& out,
                          std::string& texts) {
  Compiled plan = Compile(filter.plan, filter.ci);
  std::vector<std::string> anchor_lits;
  std::vector<LiteralFinder> anchors;
  if (Anchors(filter.plan, anchor_lits)) {
    std::sort(anchor_lits.begin(), anchor_lits.end());
    anchor_lits.erase(std::unique(anchor_lits.begin(), anchor_lits.end()), anchor_lits.end());
    for (std::string& s : anchor_lits) anchors.emplace_back(std::move(s), filter.ci);
  }
  std::string disk;
  std::vector<const char*> next(anchors.size());
  size_t i = first;
  for (; i < ids.size(); i++) {
    if (out.size() >= max_lines) break;
    const std::string* text = ix.Text(ids[i], disk);
    if (!text) continue;
    const uint32_t id = ids[i];
    const char* base = text->data();
    const size_t n = text->size();
    const char* end = base + n;
    uint32_t line = 1;
    const char* counted = base;
    auto emit = [&](const char* s, const char* e) {
      line += uint32_t(CountNewlines(counted, s));
      counted = s;
      out.push_back({id, line, uint32_t(s - base), uint32_t(e - s)});
      texts.append(s, e - s);
    };
    auto line_of = [&](const char* at, const char*& s, const char*& e) {
      const void* ls = at > base ? memrchr(base, '\n', at - base) : nullptr;
      s = ls ? static_cast<const char*>(ls) + 1 : base;
      const void* le = std::memchr(at, '\n', end - at);
      e = le ? static_cast<const char*>(le) : end;
    };
    auto accept = [&](const char* s, const char* e) {
      return Holds(plan, s, e - s) && (filter.run_len == 0 || HasRun(filter, s, e - s));
    };
    if (!anchors.empty()) {
      for (size_t k = 0; k < anchors.size(); k++) next[k] = anchors[k].Find(base, n);
      for (;;) {
        const char* at = nullptr;
        for (const char* q : next) if (q && (!at || q < at)) at = q;
        if (!at) break;
        const char *s, *e;
        line_of(at, s, e);
        if (accept(s, e)) emit(s, e);
        if (e >= end) break;
        const char* from = e + 1;
        for (size_t k = 0; k < anchors.size(); k++)
          if (next[k] && next[k] < from) next[k] = anchors[k].Find(from, end - from);
      }
    } else if (filter.run_len > 0) {
      const char* s = base;
      uint32_t run = 0;
      for (const char* p = base; p < end; p++) {
        uint8_t c = uint8_t(*p);
        if (c == '\n') { s = p + 1; run = 0; continue; }
        if (!filter.run_set[c]) { run = 0; continue; }
        if (++run < filter.run_len) continue;
        const void* le = std::memchr(p, '\n', end - p);
        const char* e = le ? static_cast<const char*>(le) : end;
        if (Holds(plan, s, e - s)) emit(s, e);
        p = e;  // the loop's p++ steps over '\n'
        s = e + 1;
        run = 0;
      }
    } else {
      for (const char* s = base; s < end;) {
        const void* le = std::memchr(s, '\n', end - s);
        const char* e = le ? static_cast<const char*>(le) : end;
        if (accept(s, e)) emit(s, e);
        s = e + 1;
      }
    }
  }
  return i;
}

bool CountLiteral(const TrigramIndex& ix, const std::vector<uint32_t>& ids, const std::string& needle,
                  uint32_t line_cap, std::vector<FileCount>& out) {
  LiteralFinder finder(needle, false);
  const size_t m = needle.size();
  std::string disk;
  uint64_t total = 0;
  for (uint32_t id : ids) {
    const std::string* text = ix.Text(id, disk);
    if (!text || m == 0) continue;
    const char* base = text->data();
    const char* end = base + text->size();
    FileCount fc{id, 0, 0};
    const char* line_end = nullptr;
    for (const char* p = base; p < end;) {
      const char* hit = finder.Find(p, end - p);
      if (!hit) break;
      fc.matches++;
      if (!line_end || hit > line_end) {
        fc.lines++;
        const void* le = std::memchr(hit, '\n', end - hit);
        line_end = le ? static_cast<const char*>(le) : end;
        if (total + fc.lines >= line_cap) {
          out.push_back(fc);
          return true;
        }
      }
      p = hit + m;
    }
    if (fc.matches) {
      out.push_back(fc);
      total += fc.lines;
    }
  }
  return false;
}

}  // namespace swarm
