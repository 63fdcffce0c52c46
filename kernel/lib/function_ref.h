// FunctionRef<R(Args...)>: a non-owning reference to a callable, for callbacks that are
// called before the function taking them returns (directory iteration, tree walks). Never
// store one: the callable it refers to is usually a temporary lambda.
#pragma once

#include <type_traits>
#include <utility>

namespace kernel {

template <typename Signature>
class FunctionRef;

template <typename R, typename... Args>
class FunctionRef<R(Args...)> {
public:
    template <typename F>
        requires(!std::is_same_v<std::remove_cvref_t<F>, FunctionRef> && std::is_invocable_r_v<R, F&, Args...>)
    FunctionRef(F&& callable)
        : object_(const_cast<void*>(static_cast<const void*>(&callable))),
          call_([](void* object, Args... arguments) -> R {
              return (*static_cast<std::remove_reference_t<F>*>(object))(std::forward<Args>(arguments)...);
          }) {}

    R operator()(Args... arguments) const { return call_(object_, std::forward<Args>(arguments)...); }

private:
    void* object_;
    R (*call_)(void*, Args...);
};

}  // namespace kernel
