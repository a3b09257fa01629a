// Long lines as windows: the slices of a line that hold every match near a literal occurrence,
// so JavaScript verifies kilobytes instead of a whole minified line.
#pragma once
#include <string>
#include <vector>

#include "line_scan.h"

namespace swarm {

constexpr size_t kWindowMin = 4096;  // lines longer than this may go as windows

/** Windows over [s, e) around the occurrences of the rarest alternative's literals, appended to
 *  `windows`/`texts`; false (nothing appended) when the line is better sent whole. */
bool MakeWindows(const LineFilter& f, const std::vector<std::vector<LiteralFinder>>& alts, const char* s,
                 const char* e, std::vector<Window>& windows, std::string& texts);

}  // namespace swarm
