// A compact, append-only posting list: sorted file ids stored as delta + LEB128 varints.
// Lists of up to 8 encoded bytes live inline (most trigrams are rare), longer ones on the heap.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace swarm {

class PostingList {
 public:
  PostingList() = default;
  PostingList(const PostingList&) = delete;
  PostingList& operator=(const PostingList&) = delete;
  PostingList(PostingList&& o) noexcept;
  PostingList& operator=(PostingList&& o) noexcept;
  ~PostingList();

  /** Appends `id`, which must be greater than every id already in the list. */
  void Append(uint32_t id);
  /** Decodes every id for which keep(id) is true into `out` (sorted ascending). */
  template <typename Keep>
  void Decode(std::vector<uint32_t>& out, Keep keep) const {
    const uint8_t* p = Data();
    const uint8_t* end = p + size_;
    uint32_t cur = 0;
    while (p < end) {
      uint32_t v = 0;
      int shift = 0;
      uint8_t b;
      do {
        b = *p++;
        v |= uint32_t(b & 0x7f) << shift;
        shift += 7;
      } while (b & 0x80);
      cur += v;
      if (keep(cur)) out.push_back(cur);
    }
  }
  uint32_t count() const { return count_; }
  /** Heap bytes owned (0 when inline). */
  size_t HeapBytes() const { return cap_ > kInline ? cap_ : 0; }
  /** Drops spare heap capacity. */
  void Shrink();
  void Clear();

 private:
  static constexpr uint32_t kInline = 8;
  const uint8_t* Data() const { return cap_ > kInline ? u_.ptr : u_.inl; }
  uint8_t* Data() { return cap_ > kInline ? u_.ptr : u_.inl; }
  void Reserve(uint32_t need);

  union {
    uint8_t* ptr;
    uint8_t inl[kInline];
  } u_{};
  uint32_t size_ = 0;
  uint32_t cap_ = kInline;
  uint32_t last_ = 0;
  uint32_t count_ = 0;
};

}  // namespace swarm
