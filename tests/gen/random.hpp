// Deterministic randomness: the raw 64-bit output of std::mt19937_64 (its sequence is fixed by
// the standard) turned into numbers by integer arithmetic only, so that one seed yields the same
// bytes with every standard library. std::*_distribution would not.
#pragma once

#include <algorithm>
#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace nachfass::gen {

inline std::uint64_t mix64(std::uint64_t x) {
  // SplitMix64 finalizer.
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}

  std::uint64_t bits() { return engine_(); }

  // Uniform in [0, n); n > 0. Rejection sampling keeps it exactly uniform.
  std::uint64_t below(std::uint64_t n) {
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    std::uint64_t x = engine_();
    while (x >= limit) x = engine_();
    return x % n;
  }

  // Uniform in [lo, hi].
  std::int64_t between(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo) + 1));
  }

  // True with probability per_mille / 1000.
  bool chance(std::uint32_t per_mille) { return below(1000) < per_mille; }

  template <class T>
  const T& pick(std::span<const T> items) {
    return items[below(items.size())];
  }
  template <class T>
  const T& pick(const std::vector<T>& items) {
    return items[below(items.size())];
  }
  template <class T, std::size_t N>
  const T& pick(const T (&items)[N]) {
    return items[below(N)];
  }

  // Index drawn with probability proportional to its weight.
  std::size_t weighted(std::span<const std::uint32_t> weights) {
    std::uint64_t total = 0;
    for (std::uint32_t w : weights) total += w;
    std::uint64_t x = below(total);
    for (std::size_t i = 0; i < weights.size(); ++i) {
      if (x < weights[i]) return i;
      x -= weights[i];
    }
    return weights.size() - 1;
  }

  // Index drawn from running totals of weights (cumulative.back() is the total): O(log n).
  std::size_t cumulative(std::span<const std::uint64_t> running_totals) {
    const std::uint64_t x = below(running_totals.back());
    return static_cast<std::size_t>(
        std::upper_bound(running_totals.begin(), running_totals.end(), x) - running_totals.begin());
  }

  // n lower-case hex digits.
  std::string hex(std::size_t n, bool upper = false) {
    static constexpr char lower_digits[] = "0123456789abcdef";
    static constexpr char upper_digits[] = "0123456789ABCDEF";
    const char* digits = upper ? upper_digits : lower_digits;
    std::string out(n, '0');
    std::uint64_t x = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (i % 16 == 0) x = engine_();
      out[i] = digits[x & 15];
      x >>= 4;
    }
    return out;
  }

  // n characters from `alphabet`.
  std::string chars(std::size_t n, std::string_view alphabet) {
    std::string out(n, ' ');
    for (char& c : out) c = alphabet[below(alphabet.size())];
    return out;
  }

  // n decimal digits, the first not zero.
  std::string digits(std::size_t n) {
    std::string out(n, '0');
    for (std::size_t i = 0; i < n; ++i)
      out[i] = static_cast<char>('0' + (i == 0 ? 1 + below(9) : below(10)));
    return out;
  }

 private:
  std::mt19937_64 engine_;
};

}  // namespace nachfass::gen
