// The trigram index proper (no N-API here): files, posting lists, queries.
// Trigrams are 3 consecutive bytes with ASCII letters folded to lower case; trigrams that
// contain '\n' are skipped (a match never spans lines). A file's id never changes; an update
// gives the file a new id and tombstones the old one; tombstoned postings are compacted away.
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "blocks.h"
#include "posting_list.h"

namespace swarm {

enum class FileStatus { kIndexed, kOverflow, kBinary, kUnreadable, kRemoved };
const char* StatusName(FileStatus s);

/** A query plan node: the literals a match must contain. */
struct Plan {
  enum Op { kAll, kLiteral, kAnd, kOr } op = kAll;
  std::string literal;
  std::vector<Plan> args;
};

struct LiteralMatch {
  uint32_t id;
  uint32_t line;    // 1-based
  uint32_t column;  // 1-based, in bytes (as ripgrep's --column)
  std::string text; // the line without its terminator, possibly cut
};

struct IndexOptions {
  uint64_t max_file_bytes = 64u << 20;    // larger files are searched from disk on each query
  uint64_t memory_cap_bytes = 4ull << 30; // past this, new files are searched from disk
  uint32_t max_line_bytes = 2000;         // match text is cut to this
};

/** Per-file work done outside the lock: read, classify, collect unique trigrams. */
struct PreparedFile {
  std::string rel, abs;
  FileStatus status = FileStatus::kUnreadable;
  std::string content;
  std::vector<uint32_t> trigrams;
  uint32_t max_line = 0;  // longest line in bytes
  std::unique_ptr<BlockMap> blocks;  // large files only
};

class TrigramIndex {
 public:
  explicit TrigramIndex(IndexOptions opts);

  /** Reads (or takes `content`) and classifies a file; thread-safe, touches no index state. */
  PreparedFile Prepare(std::string rel, std::string abs, const std::string* content) const;
  /** Adds or replaces a prepared file; returns its new id (or UINT32_MAX when binary/unreadable). */
  uint32_t Commit(PreparedFile&& f);
  bool Remove(const std::string& rel);
  /** Sorted ids of live files that may match (indexed files passing the plan, plus overflow files). */
  std::vector<uint32_t> Candidates(const Plan& plan) const;
  /** Literal search over `ids` in the given order; stops after `max` matching lines. */
  bool FindLiteral(const std::vector<uint32_t>& ids, const std::string& needle, uint32_t max,
                   std::vector<LiteralMatch>& out) const;
  /** Current text of a live file (from memory, or from disk for overflow files). */
  bool Content(uint32_t id, std::string& out) const;
  /** Text of a live, non-binary file without copying (overflow files are read into `disk`). */
  const std::string* Text(uint32_t id, std::string& disk) const;
  /** The parts of file `id` (of `n` bytes) that may hold `bp`'s literals (all of it when unsure). */
  void Ranges(uint32_t id, size_t n, const BlockPlan* bp, std::vector<Range>& out) const;
  const std::string* PathOf(uint32_t id) const;
  /** Live ids whose longest line has at least `min_len` bytes (overflow files included). */
  std::vector<uint32_t> LongLineFiles(uint32_t min_len) const;
  /** Drops tombstoned postings and spare capacity. */
  void Compact();
  void ShrinkAll();

  struct Stats {
    uint64_t files = 0, indexed = 0, overflow = 0, content_bytes = 0, posting_bytes = 0,
             table_bytes = 0, meta_bytes = 0, block_bytes = 0, trigrams = 0, postings = 0, dead = 0;
  };
  Stats GetStats() const;
  uint64_t MemoryBytes() const;

  mutable std::mutex mu;  // guards everything below; taken by the N-API wrapper

 private:
  struct File {
    std::string rel, abs;
    std::string content;  // empty for overflow files
    uint32_t ntrigrams = 0, max_line = 0;
    bool alive = false, overflow = false;
    std::unique_ptr<BlockMap> blocks;
  };
  PostingList* Find(uint32_t key) const;
  PostingList& Upsert(uint32_t key);
  void Rehash(size_t cap);
  std::vector<uint32_t> Eval(const Plan& plan, bool& all) const;
  bool ReadDisk(const File& f, std::string& out) const;
  void Kill(uint32_t id);

  IndexOptions opts_;
  std::vector<File> files_;
  std::unordered_map<std::string, uint32_t> by_path_;
  std::vector<uint32_t> overflow_;  // ids, ascending (may hold dead ids)
  // Open-addressing table: slot holds key+1 (0 = empty) and an index into lists_.
  std::vector<uint32_t> slot_key_, slot_val_;
  std::vector<PostingList> lists_;
  uint64_t content_bytes_ = 0, block_bytes_ = 0, postings_ = 0, dead_postings_ = 0, dead_files_ = 0;
};

/** Unique folded trigrams of `data`, via a caller-owned 2^24-bit scratch bitmap. */
void CollectTrigrams(const std::string& data, std::vector<uint64_t>& bitmap, std::vector<uint32_t>& out);
void CollectTrigrams(const char* data, size_t n, std::vector<uint64_t>& bitmap, std::vector<uint32_t>& out);

}  // namespace swarm
