// How the dispatcher turns a 64-bit argument register into a handler's parameter type.
// Integers are truncated as the C calling convention does (an int argument is the low 32
// bits), user pointers wrap the address.
#pragma once

#include <type_traits>
#include <utility>

#include "../lib/result.h"
#include "../lib/user_ptr.h"

namespace kernel::syscall_detail {

template <typename T>
struct IsUserPtr : std::false_type {};
template <typename T>
struct IsUserPtr<UserPtr<T>> : std::true_type {};

template <typename T>
T argument(u64 raw) {
    if constexpr (IsUserPtr<T>::value) return T(static_cast<uptr>(raw));
    else if constexpr (std::is_enum_v<T>) return static_cast<T>(raw);
    else {
        static_assert(std::is_integral_v<T>, "syscall parameters are integers, enums or UserPtr");
        return static_cast<T>(raw);
    }
}

template <typename... Parameters, usize... Index>
Result<long> call(Result<long> (*handler)(Parameters...), const u64* raw, std::index_sequence<Index...>) {
    return handler(argument<Parameters>(raw[Index])...);
}

// The dispatcher's table entry for `Handler`.
template <auto Handler>
Result<long> thunk(const u64* raw) {
    return []<typename... Parameters>(Result<long> (*handler)(Parameters...), const u64* arguments) {
        static_assert(sizeof...(Parameters) <= 6, "at most six syscall arguments");
        return call(handler, arguments, std::index_sequence_for<Parameters...> {});
    }(Handler, raw);
}

}  // namespace kernel::syscall_detail
