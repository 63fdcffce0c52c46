// Result<T>: a value or an Errno. Errors are values in the kernel: no exceptions.
//
//   Result<Frame> allocate();            // return Errno::enomem; or return frame;
//   auto frame = TRY(allocate());        // propagates the error to our caller
#pragma once

#include <new>
#include <type_traits>
#include <utility>

#include "errno.h"

namespace kernel {

template <typename T>
class [[nodiscard]] Result {
    static_assert(!std::is_reference_v<T>, "Result<T&> is not supported; use a pointer");

public:
    Result(const T& value) : has_value_(true) { new (&storage_.value) T(value); }
    Result(T&& value) : has_value_(true) { new (&storage_.value) T(std::move(value)); }
    template <typename U>
        requires(std::is_constructible_v<T, U&&> && !std::is_same_v<std::remove_cvref_t<U>, T> &&
                 !std::is_same_v<std::remove_cvref_t<U>, Errno>)
    Result(U&& value) : has_value_(true) { new (&storage_.value) T(std::forward<U>(value)); }
    Result(Errno error) : has_value_(false) { storage_.error = error; }

    Result(Result&& other) : has_value_(other.has_value_) {
        if (has_value_) new (&storage_.value) T(std::move(other.storage_.value));
        else storage_.error = other.storage_.error;
    }
    Result(const Result& other) : has_value_(other.has_value_) {
        if (has_value_) new (&storage_.value) T(other.storage_.value);
        else storage_.error = other.storage_.error;
    }
    Result& operator=(Result other) {
        destroy();
        has_value_ = other.has_value_;
        if (has_value_) new (&storage_.value) T(std::move(other.storage_.value));
        else storage_.error = other.storage_.error;
        return *this;
    }
    ~Result() { destroy(); }

    bool is_error() const { return !has_value_; }
    bool has_value() const { return has_value_; }
    explicit operator bool() const { return has_value_; }

    Errno error() const { return storage_.error; }
    T& value() & { return storage_.value; }
    const T& value() const& { return storage_.value; }
    T&& value() && { return std::move(storage_.value); }
    T release_value() { return std::move(storage_.value); }
    T value_or(T fallback) const { return has_value_ ? storage_.value : fallback; }

    T* operator->() { return &storage_.value; }
    const T* operator->() const { return &storage_.value; }
    T& operator*() & { return storage_.value; }

private:
    void destroy() {
        if (has_value_) storage_.value.~T();
    }
    union Storage {
        Storage() {}
        ~Storage() {}
        T value;
        Errno error;
    } storage_;
    bool has_value_;
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Errno error) : error_(error), has_error_(true) {}

    bool is_error() const { return has_error_; }
    bool has_value() const { return !has_error_; }
    explicit operator bool() const { return !has_error_; }
    Errno error() const { return error_; }
    void release_value() {}

private:
    Errno error_ {};
    bool has_error_ = false;
};

// Shorthand for "success" in functions returning Result<void>.
inline Result<void> ok() { return {}; }

}  // namespace kernel

// Evaluates a Result-returning expression; on error returns the error from the enclosing
// function, otherwise yields the value (a GNU statement expression, as in SerenityOS).
#define TRY(expression)                                  \
    ({                                                   \
        auto _newt_try_result = (expression);            \
        if (_newt_try_result.is_error()) [[unlikely]]    \
            return _newt_try_result.error();             \
        _newt_try_result.release_value();                \
    })
