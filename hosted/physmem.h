// The memfd that stands for RAM in the hosted machine.
#pragma once

#include <cstddef>

namespace hosted {

void create_physical_memory(std::size_t bytes);
std::size_t physical_memory_size();
int physical_memory_fd();  // for the user-mode stubs of step 4

}  // namespace hosted
