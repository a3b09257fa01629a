#include "literal_finder.h"

#include <algorithm>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

}  // namespace

LiteralFinder::LiteralFinder(std::string needle, bool ci) : needle_(std::move(needle)), ci_(ci) {
  if (ci_) for (char& c : needle_) c = char(Lower(uint8_t(c)));
  uint16_t best = 256, second = 256;
  for (size_t i = 0; i < needle_.size(); i++) {
    uint16_t f = Freq(uint8_t(needle_[i]));
    if (f < best) {
      second = best, rare2_ = rare_;
      best = f, rare_ = i;
    } else if (f < second && needle_[i] != needle_[rare_]) {
      second = f, rare2_ = i;
    }
  }
  if (needle_.size() > 1 && rare2_ == rare_) rare2_ = rare_ == 0 ? needle_.size() - 1 : 0;
}

bool LiteralFinder::Verify(const char* s) const {
  const size_t m = needle_.size();
  if (!ci_) return std::memcmp(s, needle_.data(), m) == 0;
  for (size_t k = 0; k < m; k++)
    if (Lower(uint8_t(s[k])) != uint8_t(needle_[k])) return false;
  return true;
}

/** memchr on the rarest byte, then a full compare. */
const char* LiteralFinder::FindScalar(const char* p, const char* end) const {
  const size_t m = needle_.size();
  if (size_t(end - p) < m) return nullptr;
  const uint8_t rb = uint8_t(needle_[rare_]);
  const char* scan = p + rare_;
  const char* scan_end = end - (m - 1 - rare_);
  const bool both = ci_ && IsAlpha(rb);
  while (scan < scan_end) {
    const char* q = static_cast<const char*>(std::memchr(scan, rb, scan_end - scan));
    if (both) {
      const char* u = static_cast<const char*>(std::memchr(scan, rb - 32, (q ? q : scan_end) - scan));
      if (u) q = u;
    }
    if (!q) return nullptr;
    if (Verify(q - rare_)) return q - rare_;
    scan = q + 1;
  }
  return nullptr;
}

const char* LiteralFinder::Find(const char* p, size_t n) const {
  const size_t m = needle_.size();
  if (m == 0) return p;
  if (n < m) return nullptr;
  const char* end = p + n;
#if defined(__SSE2__)
  if (m >= 2) {
    // Packed pair: compare 16 positions at once on the two rarest bytes of the needle.
    const size_t i1 = rare_, i2 = rare2_, hi = std::max(i1, i2);
    const uint8_t b1 = uint8_t(needle_[i1]), b2 = uint8_t(needle_[i2]);
    const __m128i l1 = _mm_set1_epi8(char(b1)), l2 = _mm_set1_epi8(char(b2));
    const __m128i u1 = _mm_set1_epi8(char(ci_ && IsAlpha(b1) ? b1 - 32 : b1));
    const __m128i u2 = _mm_set1_epi8(char(ci_ && IsAlpha(b2) ? b2 - 32 : b2));
    const char* s = p;
    // Loads read s+hi .. s+hi+15 and candidates need s+j+m <= end.
    const char* last = end - std::max(hi + 16, m);
    for (; s <= last; s += 16) {
      __m128i x1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i1));
      __m128i x2 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i2));
      __m128i e1 = _mm_or_si128(_mm_cmpeq_epi8(x1, l1), _mm_cmpeq_epi8(x1, u1));
      __m128i e2 = _mm_or_si128(_mm_cmpeq_epi8(x2, l2), _mm_cmpeq_epi8(x2, u2));
      unsigned mask = unsigned(_mm_movemask_epi8(_mm_and_si128(e1, e2)));
      while (mask) {
        unsigned j = __builtin_ctz(mask);
        if (Verify(s + j)) return s + j;
        mask &= mask - 1;
      }
    }
    return FindScalar(s, end);
  }
#endif
  return FindScalar(p, end);
}

}  // namespace swarm
