// TrigramIndex: reading file text for queries (whole, or the blocks that may match) and the
// literal search that returns matching lines.
#include <algorithm>
#include <cstring>

#include "literal_finder.h"
#include "trigram_index.h"

namespace swarm {

const std::string* TrigramIndex::Text(uint32_t id, std::string& disk) const {
  if (id >= files_.size() || !files_[id].alive) return nullptr;
  const File& f = files_[id];
  if (!f.overflow) return &f.content;
  if (!ReadDisk(f, disk) || std::memchr(disk.data(), 0, disk.size())) return nullptr;
  return &disk;
}

void TrigramIndex::Ranges(uint32_t id, size_t n, const BlockPlan* bp, std::vector<Range>& out) const {
  const BlockMap* bm = id < files_.size() && files_[id].alive && !files_[id].overflow ? files_[id].blocks.get() : nullptr;
  CandidateRanges(bm, n, bp, out);
}

bool TrigramIndex::FindLiteral(const std::vector<uint32_t>& ids, const std::string& needle, uint32_t max,
                               std::vector<LiteralMatch>& out) const {
  if (needle.empty() || needle.find('\n') != std::string::npos) return false;
  LiteralFinder finder(needle, false);
  Plan lit;
  lit.op = Plan::kLiteral;
  lit.literal = needle;
  BlockPlan bp = CompileBlockPlan(lit);
  std::vector<Range> ranges;
  std::string disk;
  for (uint32_t id : ids) {
    const std::string* text = Text(id, disk);
    if (!text) continue;
    const char* base = text->data();
    Ranges(id, text->size(), &bp, ranges);
    for (const Range& r : ranges) {
      size_t n = r.end, pos = r.start, counted = r.start;
      uint32_t line = r.line;
      while (pos < n) {
        const char* hit = finder.Find(base + pos, n - pos);
        if (!hit) break;
        size_t at = hit - base;
        for (const char* p = base + counted; (p = static_cast<const char*>(std::memchr(p, '\n', base + at - p))); p++) line++;
        const void* ls = at > r.start ? memrchr(base + r.start, '\n', at - r.start) : nullptr;
        size_t start = ls ? static_cast<const char*>(ls) - base + 1 : r.start;
        const void* le = std::memchr(base + at, '\n', n - at);
        size_t end = le ? static_cast<const char*>(le) - base : n;
        counted = at;
        if (out.size() >= max) return true;  // one more exists: truncated
        size_t tend = end;
        if (tend > start && base[tend - 1] == '\r') tend--;
        size_t cut = std::min<size_t>(tend - start, opts_.max_line_bytes);
        while (cut < tend - start && cut > 0 && (uint8_t(base[start + cut]) & 0xC0) == 0x80) cut--;
        out.push_back({id, line, uint32_t(at - start + 1), std::string(base + start, cut)});
        pos = end + 1;
      }
    }
  }
  return false;
}

}  // namespace swarm
