#include "line_scan.h"

#include <algorithm>
#include <cstring>
#include <memory>

#include "line_windows.h"

namespace swarm {

namespace {

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

/** Literals one of which every match contains (an OR set), chosen to be as long as possible
 *  (measured: better than choosing by document frequency, which says little about how often
 *  a literal occurs inside the files that have it). */
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

bool Safe(const LineFilter& f, const LiteralFinder* prefix, const char* s, size_t n) {
  if (!f.risk) return true;
  uint32_t run = 0, longest = 0;
  size_t in_set = 0;
  for (size_t i = 0; i < n; i++) {
    if (f.risk_set[uint8_t(s[i])]) {
      in_set++;
      if (++run > longest) longest = run;
    } else {
      run = 0;
    }
  }
  double entries = double(in_set);
  if (prefix) {
    entries = 0;
    for (const char *p = s, *e = s + n; (p = prefix->Find(p, e - p)); p += prefix->size()) entries++;
  }
  double cost = entries + 1;
  for (uint32_t k = 0; k < f.risk_power && cost <= f.risk_budget; k++) cost *= double(longest) + 1;
  return cost <= f.risk_budget;
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


void ScanCandidateLines(const TrigramIndex& ix, const std::vector<uint32_t>& ids, ScanPos& pos,
                          const LineFilter& filter, uint32_t max_lines, std::vector<CandidateLine>& out,
                          std::vector<Window>& windows, std::string& texts) {
  Compiled plan = Compile(filter.plan, filter.ci);
  std::vector<std::string> anchor_lits;
  std::vector<LiteralFinder> anchors;
  if (Anchors(filter.plan, anchor_lits)) {
    std::sort(anchor_lits.begin(), anchor_lits.end());
    anchor_lits.erase(std::unique(anchor_lits.begin(), anchor_lits.end()), anchor_lits.end());
    for (std::string& s : anchor_lits) anchors.emplace_back(std::move(s), filter.ci);
  }
  // Alternatives for windows: each part of a top-level AND that has literals.
  std::vector<std::vector<LiteralFinder>> alts;
  if (filter.plan.op == Plan::kAnd) {
    for (const Plan& a : filter.plan.args) {
      std::vector<std::string> lits;
      if (!Anchors(a, lits)) continue;
      alts.emplace_back();
      for (std::string& l : lits) alts.back().emplace_back(std::move(l), filter.ci);
    }
  } else if (!anchors.empty()) {
    alts.push_back(anchors);
  }
  std::unique_ptr<LiteralFinder> prefix;
  if (filter.risk && !filter.risk_prefix.empty()) prefix = std::make_unique<LiteralFinder>(filter.risk_prefix, false);
  BlockPlan bp = CompileBlockPlan(filter.plan);
  const BlockPlan* bp_ptr = filter.plan.op == Plan::kAll ? nullptr : &bp;
  std::vector<Range> ranges;
  std::string disk;
  std::vector<const char*> next(anchors.size());
  bool stop = false;
  uint32_t stop_off = 0, stop_line = 1;
  size_t i = pos.file;
  for (; i < ids.size() && !stop; i++) {
    const uint32_t from_off = i == pos.file ? pos.off : 0, from_line = i == pos.file ? pos.line : 1;
    const std::string* text = ix.Text(ids[i], disk);
    if (!text) continue;
    const uint32_t id = ids[i];
    const char* base = text->data();
    const size_t n = text->size();
    uint32_t line = 1;
    const char* counted = base;
    const char* rbase = base;
    const char* end = base + n;
    auto emit = [&](const char* s, const char* e) {
      line += uint32_t(CountNewlines(counted, s));
      counted = s;
      CandidateLine c{id, line, uint32_t(s - base), uint32_t(e - s), true, uint32_t(texts.size()), 0, false, 0, 0};
      const size_t w0 = windows.size();
      if (size_t(e - s) > kWindowMin && MakeWindows(filter, alts, s, e, windows, texts)) {
        c.windowed = true;
        c.win_first = uint32_t(w0);
        c.win_count = uint32_t(windows.size() - w0);
        // The RegExp runs on each window: each must be within the backtracking budget too.
        for (size_t w = w0; w < windows.size() && c.safe; w++)
          c.safe = Safe(filter, prefix.get(), texts.data() + windows[w].text_off, windows[w].text_len);
        // The head of the line, for display: at most head_units UTF-16 code units (at least one).
        const char* h = s;
        for (uint32_t units = 0; h < e;) {
          uint8_t b = uint8_t(*h);
          uint32_t u = b >= 0xF0 ? 2 : 1;
          if (units + u > std::max<uint32_t>(1, filter.head_units) && h > s) break;
          units += u;
          h++;
          while (h < e && (uint8_t(*h) & 0xC0) == 0x80) h++;
        }
        c.text_off = uint32_t(texts.size());
        texts.append(s, h - s);
        c.text_len = uint32_t(h - s);
      } else {
        c.safe = Safe(filter, prefix.get(), s, e - s);
        texts.append(s, e - s);
        c.text_len = uint32_t(e - s);
      }
      out.push_back(c);
      if (out.size() >= max_lines) {
        stop = true;
        stop_off = uint32_t(e - base) + 1;
        stop_line = line + 1;
      }
    };
    auto line_of = [&](const char* at, const char*& s, const char*& e) {
      const void* ls = at > rbase ? memrchr(rbase, '\n', at - rbase) : nullptr;
      s = ls ? static_cast<const char*>(ls) + 1 : rbase;
      const void* le = std::memchr(at, '\n', end - at);
      e = le ? static_cast<const char*>(le) : end;
    };
    // The byte-run prefilter is for plans without literals (anchored lines hold those already).
    const bool use_run = filter.run_len > 0 && anchors.empty();
    auto accept = [&](const char* s, const char* e) {
      return Holds(plan, s, e - s) && (!use_run || HasRun(filter, s, e - s));
    };
    ix.Ranges(id, n, bp_ptr, ranges);
    for (const Range& r : ranges) {
    if (stop) break;
    if (r.end <= from_off) continue;
    rbase = base + std::max(r.start, from_off);
    end = base + r.end;
    line = r.start >= from_off ? r.line : from_line;
    counted = rbase;
    if (!anchors.empty()) {
      for (size_t k = 0; k < anchors.size(); k++) next[k] = anchors[k].Find(rbase, end - rbase);
      for (;;) {
        const char* at = nullptr;
        for (const char* q : next) if (q && (!at || q < at)) at = q;
        if (!at) break;
        const char *s, *e;
        line_of(at, s, e);
        if (accept(s, e)) emit(s, e);
        if (stop || e >= end) break;
        const char* from = e + 1;
        for (size_t k = 0; k < anchors.size(); k++)
          if (next[k] && next[k] < from) next[k] = anchors[k].Find(from, end - from);
      }
    } else if (filter.run_len > 0) {
      // Runs of run_len bytes from the set: test every run_len-th byte (a run covers one),
      // then measure the run around a hit.
      const size_t L = filter.run_len;
      const char* p = rbase + L - 1;
      while (p < end) {
        if (!filter.run_set[uint8_t(*p)]) {
          p += L;
          continue;
        }
        const char* a = p;
        while (a > rbase && filter.run_set[uint8_t(a[-1])]) a--;
        const char* b = p + 1;
        while (b < end && filter.run_set[uint8_t(*b)] && size_t(b - a) < L) b++;
        if (size_t(b - a) < L) {
          p = b + L;
          continue;
        }
        const char *s, *e;
        line_of(p, s, e);
        if (Holds(plan, s, e - s)) emit(s, e);
        if (stop || e >= end) break;
        p = e + L;  // e is '\n': the next line starts at e + 1
      }
    } else {
      for (const char* s = rbase; s < end;) {
        const void* le = std::memchr(s, '\n', end - s);
        const char* e = le ? static_cast<const char*>(le) : end;
        if (accept(s, e)) emit(s, e);
        if (stop) break;
        s = e + 1;
      }
    }
    }  // ranges
    if (stop && stop_off < n) {
      pos = {i, stop_off, stop_line};
      return;
    }
  }
  pos = {i, 0, 1};
}

bool CountLiteral(const TrigramIndex& ix, const std::vector<uint32_t>& ids, const std::string& needle,
                  uint32_t line_cap, std::vector<FileCount>& out) {
  LiteralFinder finder(needle, false);
  const size_t m = needle.size();
  Plan lit;
  lit.op = Plan::kLiteral;
  lit.literal = needle;
  BlockPlan bp = CompileBlockPlan(lit);
  std::vector<Range> ranges;
  std::string disk;
  uint64_t total = 0;
  for (uint32_t id : ids) {
    const std::string* text = ix.Text(id, disk);
    if (!text || m == 0) continue;
    const char* base = text->data();
    FileCount fc{id, 0, 0};
    const char* line_end = nullptr;
    ix.Ranges(id, text->size(), &bp, ranges);
    for (const Range& r : ranges) {
    const char* end = base + r.end;
    for (const char* p = base + r.start; p < end;) {
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
    }  // ranges
    if (fc.matches) {
      out.push_back(fc);
      total += fc.lines;
    }
  }
  return false;
}

}  // namespace swarm
