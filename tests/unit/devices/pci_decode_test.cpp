// BAR decoding (what a BAR reads before and after all ones were written) and class names.
#include "devices/pci.h"

#include <gtest/gtest.h>

using namespace devices::pci;

namespace {

TEST(PciBarDecode, IoBar) {
    Bar bar = decode_bar(0x0000c041, 0xfffffff1);
    EXPECT_EQ(bar.kind, BarKind::io);
    EXPECT_EQ(bar.base, 0xc040u);
    EXPECT_EQ(bar.size, 16u);
    // Upper 16 bits hard-wired to zero (16-bit I/O decode): same size.
    bar = decode_bar(0x0000c001, 0x0000ffc1);
    EXPECT_EQ(bar.kind, BarKind::io);
    EXPECT_EQ(bar.base, 0xc000u);
    EXPECT_EQ(bar.size, 64u);
}

TEST(PciBarDecode, Memory32AndPrefetchable) {
    Bar bar = decode_bar(0xfebf0000, 0xfffff000);
    EXPECT_EQ(bar.kind, BarKind::memory);
    EXPECT_FALSE(bar.is_64bit);
    EXPECT_FALSE(bar.prefetchable);
    EXPECT_EQ(bar.base, 0xfebf0000u);
    EXPECT_EQ(bar.size, 4096u);
    bar = decode_bar(0xfd000008, 0xff000008);
    EXPECT_TRUE(bar.prefetchable);
    EXPECT_EQ(bar.base, 0xfd000000u);
    EXPECT_EQ(bar.size, 16u << 20);
}

TEST(PciBarDecode, Memory64AboveFourGigabytes) {
    // 8 GiB prefetchable BAR at 0x8_0000_0000: the size lies entirely in the upper half.
    Bar bar = decode_bar(0x0000000c, 0x0000000c, 0x00000008, 0xfffffffe);
    EXPECT_EQ(bar.kind, BarKind::memory);
    EXPECT_TRUE(bar.is_64bit);
    EXPECT_TRUE(bar.prefetchable);
    EXPECT_EQ(bar.base, 0x800000000ull);
    EXPECT_EQ(bar.size, 8ull << 30);
    // A small 64-bit BAR below 4 GiB.
    bar = decode_bar(0xfebd0004, 0xffffc004, 0, 0xffffffff);
    EXPECT_TRUE(bar.is_64bit);
    EXPECT_EQ(bar.base, 0xfebd0000u);
    EXPECT_EQ(bar.size, 16u << 10);
    EXPECT_TRUE(bar_is_64bit(0x4));
    EXPECT_FALSE(bar_is_64bit(0x5));  // I/O
    EXPECT_FALSE(bar_is_64bit(0x0));
}

TEST(PciBarDecode, UnimplementedOrAbsent) {
    EXPECT_EQ(decode_bar(0, 0).kind, BarKind::unused);
    EXPECT_EQ(decode_bar(0xffffffff, 0xffffffff).kind, BarKind::unused);  // nothing answered
    EXPECT_EQ(decode_bar(0x1, 0x1).kind, BarKind::unused);                 // I/O type bit, no address bits
}

TEST(PciClassNames, LspciNames) {
    EXPECT_STREQ(class_name(0x06, 0x00), "Host bridge");
    EXPECT_STREQ(class_name(0x06, 0x01), "ISA bridge");
    EXPECT_STREQ(class_name(0x06, 0x80), "Bridge");  // PIIX4 ACPI: class fallback, as lspci
    EXPECT_STREQ(class_name(0x01, 0x01), "IDE interface");
    EXPECT_STREQ(class_name(0x03, 0x00), "VGA compatible controller");
    EXPECT_STREQ(class_name(0x02, 0x00), "Ethernet controller");
    EXPECT_STREQ(class_name(0x0c, 0x03), "USB controller");
    EXPECT_STREQ(class_name(0xfe, 0x00), "Unassigned class");
}

}  // namespace
