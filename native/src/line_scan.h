// Line-level work over a file's bytes, done in C++ so JavaScript sees only lines that matter:
// a fast literal finder (memchr on the needle's rarest byte, then memcmp), per-file literal
// counts, and the candidate lines of a regex query (lines holding the plan's literals and,
// optionally, a run of bytes from a set), which JavaScript then verifies with its RegExp.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "trigram_index.h"

namespace swarm {

/** Finds a literal in bytes; ASCII case-insensitive when `ci`. */
class LiteralFinder {
 public:
  LiteralFinder(std::string needle, bool ci);
  /** First occurrence in [p, p+n), or nullptr. */
  const char* Find(const char* p, size_t n) const;
  size_t size() const { return needle_.size(); }

 private:
  std::string needle_;  // lower-cased when ci_
  bool ci_;
  size_t rare_ = 0;     // index of the rarest byte
};

/** Requirements a candidate line must meet. */
struct LineFilter {
  Plan plan;       // literals that must occur in the line
  bool ci = false; // plan literals match ASCII case-insensitively
  uint32_t run_len = 0;     // when > 0: the line has run_len consecutive bytes in run_set
  bool run_set[256] = {};
};

struct CandidateLine {
  uint32_t id, line;
  uint32_t start, len;  // byte range of the line in the file, without '\n' (a trailing '\r' stays)
};

/** Candidate lines of `ids` in order; stops after the file in which `max_lines` was reached.
 *  Returns how many ids were fully scanned. `texts` receives each line's bytes, back to back. */
size_t ScanCandidateLines(const TrigramIndex& ix, const std::vector<uint32_t>& ids, size_t first,
                          const LineFilter& filter, uint32_t max_lines, std::vector<CandidateLine>& out,
                          std::string& texts);

struct FileCount {
  uint32_t id, lines, matches;
};

/** Per-file counts of lines containing `needle` and its non-overlapping occurrences; stops
 *  once `line_cap` lines are counted (returns true then). */
bool CountLiteral(const TrigramIndex& ix, const std::vector<uint32_t>& ids, const std::string& needle,
                  uint32_t line_cap, std::vector<FileCount>& out);

}  // namespace swarm
