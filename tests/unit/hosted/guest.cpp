#include "guest.h"

#include <gtest/gtest.h>

namespace newt_test {

using namespace kernel;

Guest::Guest(Program program) : context(std::make_unique<hal::UserContext>()) {
    auto created = hal::create_address_space();
    EXPECT_FALSE(created.is_error());
    space = created.value();
    add_page(code_va, hal::prot_read | hal::prot_exec);
    add_page(stack_va, hal::prot_read | hal::prot_write);
    restart(program);
}

Guest::~Guest() {
    hal::destroy_address_space(space);
    for (PhysAddr frame : frames) mm::free_frames(frame);
}

PhysAddr Guest::frame() {
    PhysAddr pa = mm::allocate_frames().value();
    std::memset(hal::phys_to_virt(pa), 0, page);
    frames.push_back(pa);
    return pa;
}

PhysAddr Guest::add_page(uptr va, u32 protection) {
    PhysAddr pa = frame();
    EXPECT_FALSE(hal::map(*space, va, pa, protection).is_error());
    return pa;
}

void Guest::restart(Program program) {
    std::memset(bytes(frames[0]), 0, page);
    std::memcpy(bytes(frames[0]), program.begin, static_cast<size_t>(program.end - program.begin));
    hal::reset_user_context(*context);
    context->rip = code_va;
    context->rsp = stack_va + page;
}

hal::Trap Guest::run_to_trap() {
    for (;;) {
        hal::Trap trap = run();
        if (trap.kind != hal::TrapKind::interrupt) return trap;
    }
}

}  // namespace newt_test
