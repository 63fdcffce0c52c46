// The C++ runtime on Newt: iostream, containers, exceptions, static constructors.
#include <iostream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

struct Greeter {
    std::string text;
    Greeter() : text("static constructors ran") {}
} greeter;

int checked_divide(int a, int b) {
    if (b == 0) throw std::domain_error("division by zero");
    return a / b;
}

}  // namespace

int main() {
    std::cout << greeter.text << '\n';
    std::vector<int> numbers;
    for (int i = 1; i <= 10; ++i) numbers.push_back(i * i);
    long sum = 0;
    for (int value : numbers) sum += value;
    std::cout << "sum of squares 1..10 = " << sum << '\n';
    std::map<std::string, int> counts;
    for (const char* word : {"newt", "kernel", "newt", "user", "newt"}) ++counts[word];
    for (const auto& [word, count] : counts) std::cout << word << ": " << count << '\n';
    try {
        std::cout << checked_divide(10, 0) << '\n';
    } catch (const std::exception& error) {
        std::cout << "caught: " << error.what() << '\n';
    }
    std::cout << "done" << std::endl;
    return 0;
}
