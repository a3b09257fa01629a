// Positional filtering inside large files: a file over kBlockBytes is cut into line-aligned
// blocks, each with a small Bloom filter of its (case-folded) trigrams, so a query scans only
// the blocks that may hold its literals instead of the whole file.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace swarm {

struct Plan;

constexpr size_t kBlockBytes = 8 * 1024;

struct BlockMap {
  std::vector<uint32_t> start;  // byte offset of each block
  std::vector<uint32_t> line;   // 1-based line number at the block's start
  std::vector<uint32_t> off;    // block b's filter is bloom[off[b] .. off[b+1])
  std::vector<uint64_t> bloom;
  size_t Bytes() const { return (start.capacity() + line.capacity() + off.capacity()) * 4 + bloom.capacity() * 8; }
};

/** Blocks and filters of `data` (only worth it past kBlockBytes). */
void BuildBlocks(const char* data, size_t n, BlockMap& out);

/** A plan with each literal turned into its trigram keys. */
struct BlockPlan {
  int op = 0;  // Plan::Op
  std::vector<uint32_t> keys;
  std::vector<BlockPlan> args;
};
BlockPlan CompileBlockPlan(const Plan& p);

struct Range {
  uint32_t start, end, line;  // bytes [start, end) beginning at 1-based `line`
};

/** The parts of a file of `n` bytes that may match: whole when it has no blocks. */
void CandidateRanges(const BlockMap* bm, size_t n, const BlockPlan* bp, std::vector<Range>& out);

}  // namespace swarm
