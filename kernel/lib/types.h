// Fixed-width integer names used throughout the kernel.
#pragma once

#include <cstddef>
#include <cstdint>

namespace kernel {

using u8 = std::uint8_t;
using u16 = std::uint16_t;
using u32 = std::uint32_t;
using u64 = std::uint64_t;
using i8 = std::int8_t;
using i16 = std::int16_t;
using i32 = std::int32_t;
using i64 = std::int64_t;
using usize = std::size_t;
using uptr = std::uintptr_t;

// A physical address. Only hal::phys_to_virt turns it into something dereferenceable.
using PhysAddr = std::uint64_t;

inline constexpr usize KiB = 1024;
inline constexpr usize MiB = 1024 * KiB;
inline constexpr usize GiB = 1024 * MiB;

template <typename T>
constexpr T align_up(T value, T alignment) { return (value + alignment - 1) & ~(alignment - 1); }
template <typename T>
constexpr T align_down(T value, T alignment) { return value & ~(alignment - 1); }

}  // namespace kernel
