#include "terminal.h"

#include <termios.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>

namespace hosted {
namespace {

termios saved {};
std::atomic<bool> is_raw {false};

}  // namespace

void enter_raw_terminal() {
    if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved) != 0) return;
    termios raw = saved;
    cfmakeraw(&raw);  // no echo, no line editing, no signals from keys, no output processing
    if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) != 0) return;
    is_raw.store(true);
    std::atexit(restore_terminal);
}

void restore_terminal() {
    if (is_raw.exchange(false)) tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
}

}  // namespace hosted
