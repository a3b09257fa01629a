#include "blocks.h"

#include <algorithm>
#include <cstring>

#include "trigram_index.h"

namespace swarm {

namespace {

inline uint8_t Fold(uint8_t c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }
inline uint32_t Key(const uint8_t* p) { return uint32_t(Fold(p[0])) << 16 | uint32_t(Fold(p[1])) << 8 | Fold(p[2]); }

/** Three probe positions of a key in a filter of 2^bits bits. */
inline void Probes(uint32_t key, uint32_t mask, uint32_t out[3]) {
  uint64_t h = uint64_t(key) * 0x9E3779B97F4A7C15ull;
  out[0] = uint32_t(h) & mask;
  out[1] = uint32_t(h >> 21) & mask;
  out[2] = uint32_t(h >> 42) & mask;
}

bool MayHold(const BlockPlan& bp, const uint64_t* w, uint32_t nbits) {
  switch (bp.op) {
    case Plan::kLiteral:
      for (uint32_t k : bp.keys) {
        uint32_t pr[3];
        Probes(k, nbits - 1, pr);
        for (uint32_t b : pr)
          if (!(w[b >> 6] >> (b & 63) & 1)) return false;
      }
      return true;
    case Plan::kAnd:
      for (const BlockPlan& a : bp.args) if (!MayHold(a, w, nbits)) return false;
      return true;
    case Plan::kOr:
      for (const BlockPlan& a : bp.args) if (MayHold(a, w, nbits)) return true;
      return false;
    default:
      return true;
  }
}

}  // namespace

void BuildBlocks(const char* data, size_t n, BlockMap& out) {
  thread_local std::vector<uint64_t> bitmap;
  std::vector<uint32_t> keys;
  uint32_t line = 1;
  out.off.push_back(0);
  for (size_t s = 0; s < n;) {
    size_t e = std::min(n, s + kBlockBytes);
    if (e < n) {
      const void* nl = std::memchr(data + e, '\n', n - e);
      e = nl ? static_cast<const char*>(nl) - data + 1 : n;
    }
    keys.clear();
    CollectTrigrams(data + s, e - s, bitmap, keys);
    uint32_t nbits = 64;
    while (nbits < keys.size() * 8) nbits <<= 1;
    size_t base = out.bloom.size();
    out.bloom.resize(base + nbits / 64, 0);
    for (uint32_t k : keys) {
      uint32_t pr[3];
      Probes(k, nbits - 1, pr);
      for (uint32_t b : pr) out.bloom[base + (b >> 6)] |= 1ull << (b & 63);
    }
    out.start.push_back(uint32_t(s));
    out.line.push_back(line);
    out.off.push_back(uint32_t(out.bloom.size()));
    for (const char* p = data + s; (p = static_cast<const char*>(std::memchr(p, '\n', data + e - p))); p++) line++;
    s = e;
  }
  out.start.shrink_to_fit();
  out.line.shrink_to_fit();
  out.off.shrink_to_fit();
  out.bloom.shrink_to_fit();
}

BlockPlan CompileBlockPlan(const Plan& p) {
  BlockPlan bp;
  bp.op = p.op;
  if (p.op == Plan::kLiteral) {
    const uint8_t* s = reinterpret_cast<const uint8_t*>(p.literal.data());
    for (size_t i = 0; i + 2 < p.literal.size(); i++) {
      if (s[i] == '\n' || s[i + 1] == '\n' || s[i + 2] == '\n') continue;
      bp.keys.push_back(Key(s + i));
    }
    std::sort(bp.keys.begin(), bp.keys.end());
    bp.keys.erase(std::unique(bp.keys.begin(), bp.keys.end()), bp.keys.end());
    if (bp.keys.empty()) bp.op = Plan::kAll;
  }
  for (const Plan& a : p.args) bp.args.push_back(CompileBlockPlan(a));
  return bp;
}

void CandidateRanges(const BlockMap* bm, size_t n, const BlockPlan* bp, std::vector<Range>& out) {
  out.clear();
  if (!bm || !bp || bm->start.empty()) {
    out.push_back({0, uint32_t(n), 1});
    return;
  }
  const size_t nb = bm->start.size();
  for (size_t b = 0; b < nb; b++) {
    uint32_t words = bm->off[b + 1] - bm->off[b];
    if (!MayHold(*bp, bm->bloom.data() + bm->off[b], words * 64)) continue;
    uint32_t end = b + 1 < nb ? bm->start[b + 1] : uint32_t(n);
    if (!out.empty() && out.back().end == bm->start[b]) out.back().end = end;
    else out.push_back({bm->start[b], end, bm->line[b]});
  }
}

}  // namespace swarm
