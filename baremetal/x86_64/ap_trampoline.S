/*
 * The application-processor trampoline. A STARTUP IPI starts an AP in real mode at
 * CS:IP = (vector << 8):0, so this blob is copied to a page below 1 MiB (AP_TRAMPOLINE_BASE,
 * vector 8) before each AP is started. It goes from real mode straight to long mode (PE and
 * PG set by one write to CR0, with EFER.LME already set) and calls
 *
 *   extern "C" [[noreturn]] void ap_entry(unsigned cpu);
 *
 * on the stack the boot CPU left in the parameter block at the end of the blob. The page
 * tables in ap_trampoline_cr3 must map the trampoline page 1:1 and the kernel's higher half.
 * Code here is assembled for the address it runs at, hence AT() on every absolute address.
 */

#define AP_TRAMPOLINE_BASE  0x8000
#define AT(label)           (AP_TRAMPOLINE_BASE + (label - ap_trampoline_start))

#define CR0_PE              (1 << 0)
#define CR0_WP              (1 << 16)
#define CR0_PG              (1 << 31)
#define CR4_PAE             (1 << 5)
#define MSR_EFER            0xc0000080

    .section .rodata
    .balign 16
    .global ap_trampoline_start, ap_trampoline_end
    .global ap_trampoline_cr3, ap_trampoline_efer, ap_trampoline_stack, ap_trampoline_entry, ap_trampoline_cpu

    .code16
ap_trampoline_start:
    cli
    cld
    ljmp $0, $AT(1f)                    /* CS = 0, so that AT() addresses work with DS = 0 */
1:  xorw %ax, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    lgdtl AT(ap_trampoline_gdt_pointer)
    movl %cr4, %eax
    orl $CR4_PAE, %eax
    movl %eax, %cr4
    movl AT(ap_trampoline_cr3), %eax
    movl %eax, %cr3
    movl $MSR_EFER, %ecx
    rdmsr
    orl AT(ap_trampoline_efer), %eax    /* LME, and NXE when the boot CPU uses it */
    wrmsr
    movl %cr0, %eax
    orl $(CR0_PG | CR0_WP | CR0_PE), %eax
    movl %eax, %cr0
    ljmpl $0x08, $AT(ap_trampoline_long_mode)

    .code64
ap_trampoline_long_mode:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    xorl %eax, %eax
    movw %ax, %fs
    movw %ax, %gs
    movq AT(ap_trampoline_stack), %rsp
    movl AT(ap_trampoline_cpu), %edi
    movq AT(ap_trampoline_entry), %rax
    xorl %ebp, %ebp
    call *%rax
2:  cli
    hlt
    jmp 2b

    .balign 16
ap_trampoline_gdt:
    .quad 0
    .quad 0x00af9a000000ffff            /* 0x08: 64-bit code */
    .quad 0x00cf92000000ffff            /* 0x10: data */
ap_trampoline_gdt_pointer:
    .short 3 * 8 - 1
    .long AT(ap_trampoline_gdt)

    .balign 8
ap_trampoline_cr3:      .quad 0         /* physical address of the page tables (< 4 GiB) */
ap_trampoline_efer:     .quad 0
ap_trampoline_stack:    .quad 0         /* top of the AP's boot stack (higher half) */
ap_trampoline_entry:    .quad 0         /* ap_entry */
ap_trampoline_cpu:      .quad 0         /* the AP's cpu index */
ap_trampoline_end:

    .section .note.GNU-stack, "", @progbits
