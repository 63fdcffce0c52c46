// kernel::Result<T>, Result<void> and TRY.
#include "kernel/lib/result.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>

namespace {

using kernel::Errno;
using kernel::Result;

TEST(Result, HoldsAValue) {
    Result<int> result = 42;
    EXPECT_TRUE(result.has_value());
    EXPECT_FALSE(result.is_error());
    EXPECT_TRUE(static_cast<bool>(result));
    EXPECT_EQ(result.value(), 42);
    EXPECT_EQ(*result, 42);
    EXPECT_EQ(result.value_or(7), 42);
    result.value() = 43;
    EXPECT_EQ(result.release_value(), 43);
}

TEST(Result, HoldsAnError) {
    Result<int> result = Errno::enoent;
    EXPECT_FALSE(result.has_value());
    EXPECT_TRUE(result.is_error());
    EXPECT_FALSE(static_cast<bool>(result));
    EXPECT_EQ(result.error(), Errno::enoent);
    EXPECT_EQ(result.value_or(7), 7);
}

TEST(Result, ConvertingConstructorAndArrow) {
    Result<std::string> text = "hello";  // constructs std::string from const char*
    ASSERT_TRUE(text.has_value());
    EXPECT_EQ(text->size(), 5u);
    EXPECT_EQ(text.value_or("fallback"), "hello");
    Result<std::string> failed = Errno::einval;
    EXPECT_EQ(failed.value_or("fallback"), "fallback");
    Result<long> widened = 5;  // int -> long
    EXPECT_EQ(widened.value(), 5L);
}

TEST(Result, CopyAndAssign) {
    Result<std::string> a = std::string("first");
    Result<std::string> b = a;
    EXPECT_EQ(b.value(), "first");
    EXPECT_EQ(a.value(), "first");

    Result<std::string> c = Errno::eio;
    c = a;  // error -> value
    ASSERT_TRUE(c.has_value());
    EXPECT_EQ(c.value(), "first");
    c = Result<std::string>(Errno::ebusy);  // value -> error
    ASSERT_TRUE(c.is_error());
    EXPECT_EQ(c.error(), Errno::ebusy);
    c = Result<std::string>(std::string("second"));
    EXPECT_EQ(c.value(), "second");
    Result<std::string>& alias = c;
    c = alias;  // self-assignment keeps the value
    EXPECT_EQ(c.value(), "second");
}

// Counts live objects so the tests can check Result constructs and destroys exactly once.
struct Tracked {
    static inline int live = 0;
    int id;
    explicit Tracked(int i) : id(i) { ++live; }
    Tracked(const Tracked& other) : id(other.id) { ++live; }
    Tracked(Tracked&& other) : id(other.id) {
        other.id = -1;
        ++live;
    }
    Tracked& operator=(const Tracked&) = default;
    ~Tracked() { --live; }
};

TEST(Result, ConstructsAndDestroysValuesExactlyOnce) {
    Tracked::live = 0;
    {
        Result<Tracked> a = Tracked(1);
        EXPECT_EQ(Tracked::live, 1);
        Result<Tracked> b = a;
        EXPECT_EQ(Tracked::live, 2);
        Result<Tracked> moved = std::move(b);
        EXPECT_EQ(Tracked::live, 3);  // the moved-from Result still holds a (moved-from) value
        Result<Tracked> error = Errno::enomem;
        EXPECT_EQ(Tracked::live, 3);
        error = a;
        EXPECT_EQ(Tracked::live, 4);
        a = Result<Tracked>(Errno::eagain);
        EXPECT_EQ(Tracked::live, 3);
        Tracked released = moved.release_value();
        EXPECT_EQ(released.id, 1);
    }
    EXPECT_EQ(Tracked::live, 0);
}

TEST(Result, MoveOnlyValue) {
    Result<std::unique_ptr<int>> result = std::make_unique<int>(5);
    ASSERT_TRUE(result.has_value());
    EXPECT_EQ(*result.value(), 5);
    Result<std::unique_ptr<int>> moved = std::move(result);
    ASSERT_TRUE(moved.has_value());
    EXPECT_EQ(*moved.value(), 5);
    std::unique_ptr<int> owned = moved.release_value();
    EXPECT_EQ(*owned, 5);
    EXPECT_EQ(moved.value(), nullptr);

    Result<std::unique_ptr<int>> assigned = Errno::enomem;
    assigned = Result<std::unique_ptr<int>>(std::make_unique<int>(9));
    EXPECT_EQ(*assigned.value(), 9);
    std::unique_ptr<int> from_rvalue = std::move(assigned).value();
    EXPECT_EQ(*from_rvalue, 9);
}

TEST(Result, Void) {
    Result<void> success;
    EXPECT_TRUE(success.has_value());
    EXPECT_FALSE(success.is_error());
    EXPECT_TRUE(static_cast<bool>(success));
    Result<void> ok = kernel::ok();
    EXPECT_TRUE(ok.has_value());
    Result<void> failure = Errno::eperm;
    EXPECT_TRUE(failure.is_error());
    EXPECT_FALSE(static_cast<bool>(failure));
    EXPECT_EQ(failure.error(), Errno::eperm);
}

// TRY: the error leaves the enclosing function; a value is yielded.
Result<int> parse_digit(char c) {
    if (c < '0' || c > '9') return Errno::einval;
    return c - '0';
}

int steps_after_try = 0;

Result<int> sum_digits(const char* text) {
    int sum = 0;
    for (; *text; ++text) {
        sum += TRY(parse_digit(*text));
        ++steps_after_try;
    }
    return sum;
}

Result<void> check_positive(int value) {
    if (value <= 0) return Errno::erange;
    return kernel::ok();
}

Result<int> doubled_if_positive(int value) {
    TRY(check_positive(value));
    return value * 2;
}

Result<void> chain(int value) {
    int doubled = TRY(doubled_if_positive(value));
    if (doubled > 100) return Errno::eoverflow;
    return {};
}

Result<std::unique_ptr<int>> make_box(int value) {
    if (value < 0) return Errno::enomem;
    return std::make_unique<int>(value);
}

Result<int> unbox(int value) {
    std::unique_ptr<int> box = TRY(make_box(value));
    return *box + 1;
}

TEST(Result, TryYieldsValues) {
    steps_after_try = 0;
    Result<int> sum = sum_digits("1234");
    ASSERT_TRUE(sum.has_value());
    EXPECT_EQ(sum.value(), 10);
    EXPECT_EQ(steps_after_try, 4);
}

TEST(Result, TryPropagatesErrorsAndStops) {
    steps_after_try = 0;
    Result<int> sum = sum_digits("12x4");
    ASSERT_TRUE(sum.is_error());
    EXPECT_EQ(sum.error(), Errno::einval);
    EXPECT_EQ(steps_after_try, 2);  // nothing after the failing TRY ran
}

TEST(Result, TryWithVoidAndAcrossTypes) {
    EXPECT_EQ(doubled_if_positive(4).value(), 8);
    EXPECT_EQ(doubled_if_positive(-1).error(), Errno::erange);
    EXPECT_TRUE(chain(10).has_value());
    EXPECT_EQ(chain(0).error(), Errno::erange);
    EXPECT_EQ(chain(60).error(), Errno::eoverflow);
}

TEST(Result, TryWithMoveOnlyValue) {
    EXPECT_EQ(unbox(41).value(), 42);
    EXPECT_EQ(unbox(-1).error(), Errno::enomem);
}

}  // namespace
