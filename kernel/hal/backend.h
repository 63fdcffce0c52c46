// The compile-time check that the selected backend fits the contract.
//
// Each backend ships <hal_backend/backend.h> on its include path (hosted/include or
// baremetal/include). It defines hal::backend::Traits (constants and types the kernel sizes
// its own structures by) and hal::Context. Functions of the contract are declared in the
// other headers of this folder and defined by the backend; the linker checks their
// signatures, this header checks the types. There is no virtual dispatch anywhere.
#pragma once

#include <concepts>
#include <cstddef>
#include <type_traits>

#include <hal_backend/backend.h>

namespace hal {

template <typename T>
concept BackendTraits = requires {
    // Highest number of CPUs the backend can start.
    { T::max_cpus } -> std::convertible_to<unsigned>;
    // Size of a kernel thread stack the kernel should allocate (bytes, power of two pages).
    { T::kernel_stack_size } -> std::convertible_to<std::size_t>;
    // Name printed in the boot log ("hosted", "x86_64").
    { T::name } -> std::convertible_to<const char*>;
    // User address range [user_space_start, user_space_end) and the size of a user thread's
    // FPU state (mmu.h, usermode.h).
    { T::user_space_start } -> std::convertible_to<unsigned long>;
    { T::user_space_end } -> std::convertible_to<unsigned long>;
    { T::fpu_state_size } -> std::convertible_to<std::size_t>;
};

static_assert(BackendTraits<backend::Traits>, "backend does not fit hal::BackendTraits");
static_assert(backend::Traits::max_cpus >= 1 && backend::Traits::max_cpus <= 256);
static_assert(backend::Traits::kernel_stack_size % 4096 == 0);
static_assert(backend::Traits::user_space_start % 4096 == 0 && backend::Traits::user_space_end % 4096 == 0);
static_assert(backend::Traits::user_space_end <= 0x800000000000ul, "user space must stay in the lower half");
static_assert(backend::Traits::fpu_state_size >= 576 && backend::Traits::fpu_state_size % 64 == 0);

// A saved kernel execution context. Backend-defined, default-constructible, never copied
// once in use (it may hold sanitizer fiber handles).
static_assert(std::is_default_constructible_v<Context>);

inline constexpr unsigned max_cpus = backend::Traits::max_cpus;

}  // namespace hal
