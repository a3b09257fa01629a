// A fast literal search: SSE2 compares of the needle's two rarest bytes 16 positions at a time
// (memchr on the rarest byte without SSE2), then a full compare; optionally ASCII case-insensitive.
#pragma once
#include <cstddef>
#include <string>

namespace swarm {

/** Finds a literal in bytes; ASCII case-insensitive when `ci`. */
class LiteralFinder {
 public:
  LiteralFinder(std::string needle, bool ci);
  /** First occurrence in [p, p+n), or nullptr. */
  const char* Find(const char* p, size_t n) const;
  size_t size() const { return needle_.size(); }

 private:
  const char* FindScalar(const char* p, const char* end) const;
  bool Verify(const char* s) const;

  std::string needle_;  // lower-cased when ci_
  bool ci_;
  size_t rare_ = 0;     // index of the rarest byte
  size_t rare2_ = 0;    // index of the next rarest (another position), for the SIMD pair filter
};

}  // namespace swarm
