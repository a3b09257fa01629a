// Line-level work over a file's bytes, done in C++ so JavaScript sees only lines that matter:
// per-file literal counts, and the candidate lines of a regex query (lines holding the plan's
// literals or, without literals, a run of bytes from a set; long lines as windows), which
// JavaScript then verifies with its RegExp.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "literal_finder.h"
#include "trigram_index.h"

namespace swarm {

/** Requirements a candidate line must meet. */
struct LineFilter {
  Plan plan;       // literals that must occur in the line
  bool ci = false; // plan literals match ASCII case-insensitively
  uint32_t run_len = 0;     // when > 0: the line has run_len consecutive bytes in run_set
  bool run_set[256] = {};
  // Backtracking budget (regexes with unbounded repetition): a line is safe for a backtracking
  // engine when entries * R^risk_power <= risk_budget, R the longest run of risk_set bytes,
  // entries the occurrences of risk_prefix (or, without one, the risk_set bytes in the line).
  bool risk = false;
  bool risk_set[256] = {};
  std::string risk_prefix;
  uint32_t risk_power = 1;
  double risk_budget = 0;
  // Longest match in bytes, not counting what unbounded repeats eat (those eat runs of
  // risk_set bytes); -1 when unknown. Long lines are then sent as windows around the literals.
  int64_t fixed_len = -1;
  std::vector<std::vector<bool>> reach_sets;  // one byte set per unbounded repeat (what it can eat)
  uint32_t head_units = 8192;  // a windowed line's head: at most this many UTF-16 code units
};

/** A slice of a long line that holds every match near some literal occurrence. */
struct Window {
  uint32_t start;           // byte offset in the line
  uint32_t text_off, text_len;
  bool pad_l, pad_r;        // one code point of context at the start / end that a match must not use
};

struct CandidateLine {
  uint32_t id, line;
  uint32_t start, len;  // byte range of the line in the file, without '\n' (a trailing '\r' stays)
  bool safe;            // within the backtracking budget (always, without risk)
  uint32_t text_off, text_len;  // the line, or its head when windowed
  bool windowed;
  uint32_t win_first, win_count;
};

/** Where a scan resumes: ids[file], from byte `off` (a line start), which is line `line`. */
struct ScanPos {
  size_t file = 0;
  uint32_t off = 0, line = 1;
};

/** Candidate lines of `ids` in order from `pos`; stops once `max_lines` lines were found and
 *  leaves `pos` where to resume. `texts` receives the text of lines and windows. */
void ScanCandidateLines(const TrigramIndex& ix, const std::vector<uint32_t>& ids, ScanPos& pos,
                          const LineFilter& filter, uint32_t max_lines, std::vector<CandidateLine>& out,
                          std::vector<Window>& windows, std::string& texts);

struct FileCount {
  uint32_t id, lines, matches;
};

/** Per-file counts of lines containing `needle` and its non-overlapping occurrences; stops
 *  once `line_cap` lines are counted (returns true then). */
bool CountLiteral(const TrigramIndex& ix, const std::vector<uint32_t>& ids, const std::string& needle,
                  uint32_t line_cap, std::vector<FileCount>& out);

}  // namespace swarm
