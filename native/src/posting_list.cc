#include "posting_list.h"

#include <cstdlib>
#include <cstring>
#include <new>

namespace swarm {

PostingList::PostingList(PostingList&& o) noexcept { *this = std::move(o); }

PostingList& PostingList::operator=(PostingList&& o) noexcept {
  if (this == &o) return *this;
  if (cap_ > kInline) std::free(u_.ptr);
  u_ = o.u_;
  size_ = o.size_;
  cap_ = o.cap_;
  last_ = o.last_;
  count_ = o.count_;
  o.cap_ = kInline;
  o.size_ = o.last_ = o.count_ = 0;
  return *this;
}

PostingList::~PostingList() {
  if (cap_ > kInline) std::free(u_.ptr);
}

void PostingList::Reserve(uint32_t need) {
  if (need <= cap_) return;
  uint32_t ncap = cap_ < 16 ? 16 : cap_ + cap_ / 2;
  if (ncap < need) ncap = need;
  uint8_t* mem = static_cast<uint8_t*>(std::malloc(ncap));
  if (!mem) throw std::bad_alloc();
  std::memcpy(mem, Data(), size_);
  if (cap_ > kInline) std::free(u_.ptr);
  u_.ptr = mem;
  cap_ = ncap;
}

void PostingList::Append(uint32_t id) {
  uint32_t v = count_ == 0 ? id : id - last_;
  uint8_t buf[5];
  int n = 0;
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    if (v) b |= 0x80;
    buf[n++] = b;
  } while (v);
  Reserve(size_ + n);
  std::memcpy(Data() + size_, buf, n);
  size_ += n;
  last_ = id;
  count_++;
}

void PostingList::Shrink() {
  if (cap_ <= kInline || cap_ == size_) return;
  if (size_ <= kInline) {
    uint8_t* old = u_.ptr;
    std::memcpy(u_.inl, old, size_);
    std::free(old);
    cap_ = kInline;
    return;
  }
  uint8_t* mem = static_cast<uint8_t*>(std::realloc(u_.ptr, size_));
  if (mem) {
    u_.ptr = mem;
    cap_ = size_;
  }
}

void PostingList::Clear() {
  if (cap_ > kInline) std::free(u_.ptr);
  cap_ = kInline;
  size_ = last_ = count_ = 0;
}

}  // namespace swarm
