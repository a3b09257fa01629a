#include "line_windows.h"

#include <algorithm>
#include <cstring>

namespace swarm {

namespace {

inline bool Cont(uint8_t c) { return (c & 0xC0) == 0x80; }

/** Longest run of `set` bytes in [s, e). */
uint32_t LongestRun(const std::vector<bool>& set, const char* s, const char* e) {
  uint32_t run = 0, longest = 0;
  for (const char* p = s; p < e; p++) {
    if (set[uint8_t(*p)]) {
      if (++run > longest) longest = run;
    } else {
      run = 0;
    }
  }
  return longest;
}

}  // namespace

/** Windows over [s, e) around every anchor occurrence, appended to `windows`/`texts`;
 *  false (nothing appended) when the line is better sent whole.
 *  A match holding an occurrence at x lies in [x - reach, x + len + reach], reach = fixed_len
 *  plus the longest run each unbounded repeat could eat. Runs are measured in the region
 *  [x - kRegion, x + len + kRegion] only: a match reaching past it would need more than
 *  kRegion bytes of it, more than fixed_len plus the runs inside it allow when reach < kRegion. */
bool MakeWindows(const LineFilter& f, const std::vector<std::vector<LiteralFinder>>& alts, const char* s,
                 const char* e, std::vector<Window>& windows, std::string& texts) {
  constexpr size_t kRegion = 2048;
  if (f.fixed_len < 0 || uint64_t(f.fixed_len) >= kRegion || alts.empty()) return false;
  const size_t n = e - s;
  // Every match holds an occurrence of some literal of each alternative: use the one that
  // occurs least in this line.
  std::vector<std::pair<size_t, size_t>> occ, cur;  // (offset, literal length)
  bool have = false;
  for (const std::vector<LiteralFinder>& anchors : alts) {
    cur.clear();
    bool over = false;
    for (const LiteralFinder& a : anchors) {
      for (const char* p = s; !over && (p = a.Find(p, e - p)); p += 1) {
        cur.push_back({size_t(p - s), a.size()});
        over = cur.size() > 4096 || (have && cur.size() >= occ.size());
      }
    }
    if (over) continue;
    occ.swap(cur);
    have = true;
  }
  if (!have || occ.empty()) return false;
  std::sort(occ.begin(), occ.end());
  // Regions around the occurrences, merged; the reach in each.
  std::vector<std::pair<size_t, size_t>> spans;
  for (size_t i = 0; i < occ.size();) {
    size_t lo = occ[i].first > kRegion ? occ[i].first - kRegion : 0;
    size_t hi = std::min(n, occ[i].first + occ[i].second + kRegion);
    size_t j = i + 1;
    while (j < occ.size() && occ[j].first <= hi + kRegion) {
      hi = std::max(hi, std::min(n, occ[j].first + occ[j].second + kRegion));
      j++;
    }
    if ((hi - lo) * 2 > n && n > 2 * kRegion + 64) return false;  // dense: not worth it
    uint64_t reach = uint64_t(f.fixed_len);
    for (const std::vector<bool>& set : f.reach_sets) {
      reach += LongestRun(set, s + lo, s + hi);
      if (reach >= kRegion) return false;
    }
    for (size_t k = i; k < j; k++)
      spans.push_back({occ[k].first > reach ? size_t(occ[k].first - reach) : 0, size_t(std::min<uint64_t>(n, occ[k].first + occ[k].second + reach))});
    i = j;
  }
  std::sort(spans.begin(), spans.end());
  std::vector<std::pair<size_t, size_t>> merged;
  for (auto& sp : spans) {
    if (!merged.empty() && sp.first <= merged.back().second + 16) merged.back().second = std::max(merged.back().second, sp.second);
    else merged.push_back(sp);
  }
  size_t total = 0;
  for (auto& m : merged) total += m.second - m.first + 8;
  if (total * 2 > n) return false;
  for (auto& m : merged) {
    size_t a = m.first, b = m.second;
    while (a > 0 && Cont(uint8_t(s[a]))) a--;
    bool pad_l = a > 0;
    if (pad_l) {
      a--;
      while (a > 0 && Cont(uint8_t(s[a]))) a--;
    }
    while (b < n && Cont(uint8_t(s[b]))) b++;
    bool pad_r = b < n;
    if (pad_r) {
      b++;
      while (b < n && Cont(uint8_t(s[b]))) b++;
    }
    windows.push_back({uint32_t(a), uint32_t(texts.size()), uint32_t(b - a), pad_l, pad_r});
    texts.append(s + a, b - a);
  }
  return true;
}

}  // namespace swarm
