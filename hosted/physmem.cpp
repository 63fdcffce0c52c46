// Hosted physical memory: a memfd of --mem bytes mapped into the process. A physical address
// is an offset into it, so phys_to_virt is one addition. Frame 0 is kept out of the memory
// map so that physical address 0 never names a real frame.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "../kernel/hal/physmem.h"
#include "physmem.h"

namespace hosted {
namespace {

char* ram = nullptr;
std::size_t ram_size = 0;
int ram_fd = -1;

}  // namespace

void create_physical_memory(std::size_t bytes) {
    ram_size = bytes;
    ram_fd = memfd_create("newt-ram", MFD_CLOEXEC);
    if (ram_fd < 0 || ftruncate(ram_fd, static_cast<off_t>(bytes)) != 0) {
        perror("newt: memfd for physical memory");
        std::exit(1);
    }
    void* mapping = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, ram_fd, 0);
    if (mapping == MAP_FAILED) {
        perror("newt: mapping physical memory");
        std::exit(1);
    }
    ram = static_cast<char*>(mapping);
}

std::size_t physical_memory_size() { return ram_size; }
int physical_memory_fd() { return ram_fd; }

}  // namespace hosted

namespace hal {

void* phys_to_virt(kernel::PhysAddr pa) { return hosted::ram + pa; }
kernel::PhysAddr virt_to_phys(const void* va) { return static_cast<kernel::PhysAddr>(static_cast<const char*>(va) - hosted::ram); }

}  // namespace hal
