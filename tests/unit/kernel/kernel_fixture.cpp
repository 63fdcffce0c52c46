#include "kernel_fixture.h"

#include <gtest/gtest.h>

#include "hosted/kernel_runner.h"

namespace newt_test {
namespace {

constexpr unsigned machine_cpus = 2;
const char* machine_command_line = "loglevel=4";  // constant-initialized: set before any static constructor runs

class KernelEnvironment : public ::testing::Environment {
public:
    void SetUp() override {
        hosted::MachineConfig config;
        config.cpus = machine_cpus;
        config.memory_bytes = 128u << 20;
        config.command_line = machine_command_line;
        config.console_input = false;
        config.handle_termination_signals = false;
        hosted::start_kernel_runner(config);
    }

    void TearDown() override { EXPECT_EQ(hosted::stop_kernel_runner(), 0); }
};

[[maybe_unused]] auto* const environment = ::testing::AddGlobalTestEnvironment(new KernelEnvironment);

}  // namespace

void run_in_kernel(const std::function<void()>& body) {
    EXPECT_TRUE(hosted::run_in_kernel(body)) << "the kernel could not start a thread for the test body";
}

unsigned test_machine_cpus() { return machine_cpus; }

void set_test_machine_command_line(const char* command_line) { machine_command_line = command_line; }

}  // namespace newt_test
