#include "trigram_index.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <sys/stat.h>

namespace swarm {

namespace {
inline uint8_t Fold(uint8_t c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }
inline uint32_t Key(const uint8_t* p) { return uint32_t(Fold(p[0])) << 16 | uint32_t(Fold(p[1])) << 8 | Fold(p[2]); }
inline size_t Hash(uint32_t k) { return (k * 2654435761u) >> 3; }

std::vector<uint32_t> Intersect(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
  std::vector<uint32_t> out;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}
std::vector<uint32_t> Union(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
  std::vector<uint32_t> out;
  std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}
}  // namespace

const char* StatusName(FileStatus s) {
  switch (s) {
    case FileStatus::kIndexed: return "indexed";
    case FileStatus::kOverflow: return "overflow";
    case FileStatus::kBinary: return "binary";
    case FileStatus::kUnreadable: return "unreadable";
    case FileStatus::kRemoved: return "removed";
  }
  return "?";
}

void CollectTrigrams(const std::string& data, std::vector<uint64_t>& bitmap, std::vector<uint32_t>& out) {
  CollectTrigrams(data.data(), data.size(), bitmap, out);
}

void CollectTrigrams(const char* data, size_t n, std::vector<uint64_t>& bitmap, std::vector<uint32_t>& out) {
  if (bitmap.size() != (1u << 18)) bitmap.assign(1u << 18, 0);
  const uint8_t* p = reinterpret_cast<const uint8_t*>(data);
  for (size_t i = 0; i + 2 < n; i++) {
    if (p[i + 2] == '\n') { i += 2; continue; }
    if (p[i + 1] == '\n') { i += 1; continue; }
    if (p[i] == '\n') continue;
    uint32_t k = Key(p + i);
    uint64_t bit = 1ull << (k & 63);
    uint64_t& w = bitmap[k >> 6];
    if (!(w & bit)) {
      w |= bit;
      out.push_back(k);
    }
  }
  for (uint32_t k : out) bitmap[k >> 6] = 0;
}

TrigramIndex::TrigramIndex(IndexOptions opts) : opts_(opts) { Rehash(1024); }

bool TrigramIndex::ReadDisk(const File& f, std::string& out) const {
  FILE* fp = std::fopen(f.abs.c_str(), "rb");
  if (!fp) return false;
  out.clear();
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, fp)) > 0) out.append(buf, n);
  std::fclose(fp);
  return true;
}

PreparedFile TrigramIndex::Prepare(std::string rel, std::string abs, const std::string* content) const {
  PreparedFile pf;
  pf.rel = std::move(rel);
  pf.abs = std::move(abs);
  if (content) {
    pf.content = *content;
  } else {
    struct stat st;
    if (stat(pf.abs.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return pf;
    if (uint64_t(st.st_size) > opts_.max_file_bytes) {
      // Too large to keep: searched from disk. Binary check on its head only.
      FILE* fp = std::fopen(pf.abs.c_str(), "rb");
      if (!fp) return pf;
      char head[1 << 16];
      size_t n = std::fread(head, 1, sizeof head, fp);
      std::fclose(fp);
      pf.status = std::memchr(head, 0, n) ? FileStatus::kBinary : FileStatus::kOverflow;
      return pf;
    }
    File tmp;
    tmp.abs = pf.abs;
    if (!ReadDisk(tmp, pf.content)) return pf;
  }
  if (std::memchr(pf.content.data(), 0, pf.content.size())) {
    pf.status = FileStatus::kBinary;
    pf.content.clear();
    pf.content.shrink_to_fit();
    return pf;
  }
  if (pf.content.size() > opts_.max_file_bytes) {
    pf.status = FileStatus::kOverflow;
    pf.content.clear();
    pf.content.shrink_to_fit();
    return pf;
  }
  for (size_t pos = 0, n = pf.content.size(); pos < n;) {
    const void* nl = std::memchr(pf.content.data() + pos, '\n', n - pos);
    size_t end = nl ? static_cast<const char*>(nl) - pf.content.data() : n;
    if (end - pos > pf.max_line) pf.max_line = uint32_t(end - pos);
    pos = end + 1;
  }
  thread_local std::vector<uint64_t> bitmap;
  CollectTrigrams(pf.content, bitmap, pf.trigrams);
  std::sort(pf.trigrams.begin(), pf.trigrams.end());
  if (pf.content.size() > 2 * kBlockBytes) {
    pf.blocks = std::make_unique<BlockMap>();
    BuildBlocks(pf.content.data(), pf.content.size(), *pf.blocks);
  }
  pf.status = FileStatus::kIndexed;
  return pf;
}

void TrigramIndex::Kill(uint32_t id) {
  File& f = files_[id];
  if (!f.alive) return;
  f.alive = false;
  dead_postings_ += f.ntrigrams;
  dead_files_++;
  content_bytes_ -= f.content.size();
  std::string().swap(f.content);
  if (f.blocks) block_bytes_ -= f.blocks->Bytes();
  f.blocks.reset();
  std::string().swap(f.abs);
}

uint32_t TrigramIndex::Commit(PreparedFile&& pf) {
  auto it = by_path_.find(pf.rel);
  if (it != by_path_.end()) {
    Kill(it->second);
    by_path_.erase(it);
  }
  if (pf.status != FileStatus::kIndexed && pf.status != FileStatus::kOverflow) return UINT32_MAX;
  if (pf.status == FileStatus::kIndexed &&
      MemoryBytes() + pf.content.size() + pf.trigrams.size() * 2 + (pf.blocks ? pf.blocks->Bytes() : 0) >
          opts_.memory_cap_bytes) {
    pf.status = FileStatus::kOverflow;  // over the cap: keep only the path
  }
  uint32_t id = uint32_t(files_.size());
  files_.emplace_back();
  File& f = files_.back();
  f.rel = pf.rel;
  f.abs = std::move(pf.abs);
  f.alive = true;
  f.max_line = pf.status == FileStatus::kOverflow ? UINT32_MAX : pf.max_line;
  by_path_.emplace(std::move(pf.rel), id);
  if (pf.status == FileStatus::kOverflow) {
    f.overflow = true;
    overflow_.push_back(id);
    return id;
  }
  for (uint32_t k : pf.trigrams) Upsert(k).Append(id);
  f.ntrigrams = uint32_t(pf.trigrams.size());
  postings_ += f.ntrigrams;
  f.content = std::move(pf.content);
  content_bytes_ += f.content.size();
  if (pf.blocks) {
    block_bytes_ += pf.blocks->Bytes();
    f.blocks = std::move(pf.blocks);
  }
  if (dead_postings_ > 1024 * 1024 && dead_postings_ * 3 > postings_) Compact();
  return id;
}

bool TrigramIndex::Remove(const std::string& rel) {
  auto it = by_path_.find(rel);
  if (it == by_path_.end()) return false;
  Kill(it->second);
  by_path_.erase(it);
  return true;
}

PostingList* TrigramIndex::Find(uint32_t key) const {
  size_t mask = slot_key_.size() - 1;
  for (size_t i = Hash(key) & mask;; i = (i + 1) & mask) {
    uint32_t k = slot_key_[i];
    if (k == 0) return nullptr;
    if (k == key + 1) return const_cast<PostingList*>(&lists_[slot_val_[i]]);
  }
}

PostingList& TrigramIndex::Upsert(uint32_t key) {
  if ((lists_.size() + 1) * 10 > slot_key_.size() * 7) Rehash(slot_key_.size() * 2);
  size_t mask = slot_key_.size() - 1;
  for (size_t i = Hash(key) & mask;; i = (i + 1) & mask) {
    uint32_t k = slot_key_[i];
    if (k == key + 1) return lists_[slot_val_[i]];
    if (k == 0) {
      slot_key_[i] = key + 1;
      slot_val_[i] = uint32_t(lists_.size());
      lists_.emplace_back();
      return lists_.back();
    }
  }
}

void TrigramIndex::Rehash(size_t cap) {
  std::vector<uint32_t> ok(cap, 0), ov(cap, 0);
  size_t mask = cap - 1;
  for (size_t j = 0; j < slot_key_.size(); j++) {
    if (!slot_key_[j]) continue;
    size_t i = Hash(slot_key_[j] - 1) & mask;
    while (ok[i]) i = (i + 1) & mask;
    ok[i] = slot_key_[j];
    ov[i] = slot_val_[j];
  }
  slot_key_.swap(ok);
  slot_val_.swap(ov);
}

std::vector<uint32_t> TrigramIndex::Eval(const Plan& plan, bool& all) const {
  all = false;
  switch (plan.op) {
    case Plan::kAll:
      all = true;
      return {};
    case Plan::kLiteral: {
      const std::string& s = plan.literal;
      if (s.size() < 3) { all = true; return {}; }
      std::vector<uint32_t> keys;
      const uint8_t* p = reinterpret_cast<const uint8_t*>(s.data());
      for (size_t i = 0; i + 2 < s.size(); i++) {
        if (p[i] == '\n' || p[i + 1] == '\n' || p[i + 2] == '\n') continue;
        keys.push_back(Key(p + i));
      }
      if (keys.empty()) { all = true; return {}; }
      std::sort(keys.begin(), keys.end());
      keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
      std::vector<const PostingList*> lists;
      for (uint32_t k : keys) {
        const PostingList* pl = Find(k);
        if (!pl) return {};
        lists.push_back(pl);
      }
      std::sort(lists.begin(), lists.end(), [](auto a, auto b) { return a->count() < b->count(); });
      auto alive = [this](uint32_t id) { return files_[id].alive; };
      std::vector<uint32_t> acc;
      lists[0]->Decode(acc, alive);
      std::vector<uint32_t> next;
      for (size_t i = 1; i < lists.size() && !acc.empty(); i++) {
        next.clear();
        // Decode only ids that survive so far: a merge against the current set.
        size_t j = 0;
        lists[i]->Decode(next, [&](uint32_t id) {
          while (j < acc.size() && acc[j] < id) j++;
          return j < acc.size() && acc[j] == id;
        });
        acc.swap(next);
      }
      return acc;
    }
    case Plan::kAnd: {
      std::vector<uint32_t> acc;
      bool have = false;
      for (const Plan& p : plan.args) {
        bool a;
        std::vector<uint32_t> r = Eval(p, a);
        if (a) continue;
        acc = have ? Intersect(acc, r) : std::move(r);
        have = true;
        if (acc.empty()) break;
      }
      if (!have) all = true;
      return acc;
    }
    case Plan::kOr: {
      std::vector<uint32_t> acc;
      for (const Plan& p : plan.args) {
        bool a;
        std::vector<uint32_t> r = Eval(p, a);
        if (a) { all = true; return {}; }
        acc = Union(acc, r);
      }
      return acc;
    }
  }
  return {};
}

std::vector<uint32_t> TrigramIndex::Candidates(const Plan& plan) const {
  bool all;
  std::vector<uint32_t> ids = Eval(plan, all);
  if (all) {
    ids.clear();
    for (uint32_t i = 0; i < files_.size(); i++)
      if (files_[i].alive) ids.push_back(i);
    return ids;
  }
  std::vector<uint32_t> over;
  for (uint32_t id : overflow_)
    if (files_[id].alive) over.push_back(id);
  return over.empty() ? ids : Union(ids, over);
}

bool TrigramIndex::Content(uint32_t id, std::string& out) const {
  if (id >= files_.size() || !files_[id].alive) return false;
  const File& f = files_[id];
  if (f.overflow) {
    if (!ReadDisk(f, out)) return false;
    return std::memchr(out.data(), 0, out.size()) == nullptr;
  }
  out = f.content;
  return true;
}

std::vector<uint32_t> TrigramIndex::LongLineFiles(uint32_t min_len) const {
  std::vector<uint32_t> out;
  for (uint32_t i = 0; i < files_.size(); i++)
    if (files_[i].alive && files_[i].max_line >= min_len) out.push_back(i);
  return out;
}

const std::string* TrigramIndex::PathOf(uint32_t id) const {
  return id < files_.size() && files_[id].alive ? &files_[id].rel : nullptr;
}

void TrigramIndex::Compact() {
  std::vector<uint32_t> ids;
  auto alive = [this](uint32_t id) { return files_[id].alive; };
  for (PostingList& pl : lists_) {
    ids.clear();
    pl.Decode(ids, alive);
    if (ids.size() == pl.count()) continue;
    pl.Clear();
    for (uint32_t id : ids) pl.Append(id);
    pl.Shrink();
  }
  postings_ -= dead_postings_;
  dead_postings_ = 0;
  for (File& f : files_) if (!f.alive) f.ntrigrams = 0;
  std::vector<uint32_t> over;
  for (uint32_t id : overflow_) if (files_[id].alive) over.push_back(id);
  overflow_.swap(over);
}

void TrigramIndex::ShrinkAll() {
  for (PostingList& pl : lists_) pl.Shrink();
  lists_.shrink_to_fit();
}

TrigramIndex::Stats TrigramIndex::GetStats() const {
  Stats s;
  for (const File& f : files_) {
    if (!f.alive) continue;
    s.files++;
    if (f.overflow) s.overflow++; else s.indexed++;
  }
  s.content_bytes = content_bytes_;
  s.block_bytes = block_bytes_;
  for (const PostingList& pl : lists_) s.posting_bytes += pl.HeapBytes();
  s.table_bytes = (slot_key_.capacity() + slot_val_.capacity()) * 4 + lists_.capacity() * sizeof(PostingList);
  s.meta_bytes = files_.capacity() * sizeof(File) + by_path_.size() * 64;
  for (const File& f : files_) s.meta_bytes += f.rel.capacity() + f.abs.capacity();
  s.trigrams = lists_.size();
  s.postings = postings_ - dead_postings_;
  s.dead = dead_files_;
  return s;
}

uint64_t TrigramIndex::MemoryBytes() const {
  // Cheap running estimate used for the cap (exact numbers come from GetStats).
  return content_bytes_ + block_bytes_ + postings_ * 2 + lists_.size() * (sizeof(PostingList) + 11) + files_.size() * 160;
}

}  // namespace swarm
