// TEMPORARY baremetal_entry: proves the boot path (boot.S) reaches C++ in long mode. It says
// which protocol booted the kernel on COM1 and exits QEMU through isa-debug-exit. It is weak,
// so the real baremetal_entry replaces it as soon as one is linked in; delete this file then.
#include <cstdint>

namespace {

inline void outb(std::uint16_t port, std::uint8_t value) {
  asm volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}

inline std::uint8_t inb(std::uint16_t port) {
  std::uint8_t value;
  asm volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
  return value;
}

constexpr std::uint16_t kCom1 = 0x3f8;
constexpr std::uint16_t kDebugExit = 0xf4;

void serial_init() {
  outb(kCom1 + 1, 0x00);  // no interrupts
  outb(kCom1 + 3, 0x80);  // DLAB
  outb(kCom1 + 0, 0x01);  // divisor 1: 115200 baud
  outb(kCom1 + 1, 0x00);
  outb(kCom1 + 3, 0x03);  // 8N1
  outb(kCom1 + 2, 0xc7);  // FIFO on, cleared
  outb(kCom1 + 4, 0x03);  // DTR, RTS
}

void serial_write(const char* text) {
  for (; *text != '\0'; ++text) {
    if (*text == '\n') {
      while ((inb(kCom1 + 5) & 0x20) == 0) {
      }
      outb(kCom1, '\r');
    }
    while ((inb(kCom1 + 5) & 0x20) == 0) {
    }
    outb(kCom1, static_cast<std::uint8_t>(*text));
  }
}

}  // namespace

extern "C" [[noreturn]] [[gnu::weak]] void baremetal_entry(std::uint32_t protocol,
                                                           std::uint64_t /*info_physical*/) {
  serial_init();
  serial_write(protocol == 1   ? "Newt: long mode via Multiboot2\n"
               : protocol == 2 ? "Newt: long mode via PVH\n"
                               : "Newt: long mode via an unknown protocol\n");
  outb(kDebugExit, 0);  // QEMU exits with status (0 << 1) | 1
  for (;;) {
    asm volatile("cli; hlt");
  }
}
