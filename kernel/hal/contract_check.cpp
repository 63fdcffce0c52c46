// Compiles every contract header together, including those whose functions nothing calls
// yet (mmu, user mode), so the contract stays well-formed against the selected backend.
#include "backend.h"
#include "boot.h"
#include "context.h"
#include "cpu.h"
#include "debug.h"
#include "entropy.h"
#include "interrupts.h"
#include "io.h"
#include "mmu.h"
#include "physmem.h"
#include "timer.h"
#include "usermode.h"

static_assert(hal::max_cpus >= 1);
