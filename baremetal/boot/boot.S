/*
 * Newt x86_64 boot: from a 32-bit boot protocol to the higher-half kernel in long mode.
 *
 * Two ways in, both in 32-bit protected mode, paging off, interrupts off, flat segments:
 *   - Multiboot2 (GRUB): eax = 0x36d76289, ebx = physical address of the boot information.
 *   - PVH (QEMU -kernel, Xen): ebx = physical address of struct hvm_start_info, whose first
 *     word is 0x336ec578.
 * Both save (protocol, info), check for long mode, build the early page tables, enter long
 * mode, jump to the higher half, zero .bss, run .init_array and call
 *
 *   extern "C" [[noreturn]] void baremetal_entry(uint32_t protocol, uint64_t info_physical);
 *
 * with protocol 1 = Multiboot2, 2 = PVH (edi), info_physical in rsi, on the 64 KiB boot
 * stack (boot_stack_bottom .. boot_stack_top, in .bss), interrupts off, rbp = 0.
 *
 * Early address space (2 MiB pages, all present + writable + executable, not global):
 *   0x0000000000000000 + 1 GiB   -> physical 0  (identity; kept until the HAL drops it)
 *   0xffff800000000000 + 4 GiB   -> physical 0  (direct map, PML4[256])
 *   0xffffffff80000000 + 1 GiB   -> physical 0  (kernel image, PML4[511], PDPT[510])
 * EFER.NXE is set when the CPU has NX. The boot GDT (null, 64-bit code 0x08, data 0x10) is
 * reloaded through its higher-half alias before the kernel runs.
 */

#define KERNEL_VMA          0xffffffff80000000

#define MB2_HEADER_MAGIC    0xe85250d6
#define MB2_ARCH_I386       0
#define MB2_BOOTLOADER_MAGIC 0x36d76289
#define PVH_START_MAGIC     0x336ec578
#define XEN_ELFNOTE_PHYS32_ENTRY 18

#define BOOT_PROTOCOL_MULTIBOOT2 1
#define BOOT_PROTOCOL_PVH        2

#define COM1                0x3f8

#define PTE_PRESENT         (1 << 0)
#define PTE_WRITABLE        (1 << 1)
#define PTE_LARGE           (1 << 7)

#define CR0_PE              (1 << 0)
#define CR0_WP              (1 << 16)
#define CR0_PG              (1 << 31)
#define CR4_PAE             (1 << 5)
#define MSR_EFER            0xc0000080
#define EFER_LME            (1 << 8)
#define EFER_NXE            (1 << 11)
#define CPUID_EXT_LM        (1 << 29)
#define CPUID_EXT_NX        (1 << 20)

#define GDT_CODE64          0x08
#define GDT_DATA            0x10

#define BOOT_STACK_SIZE     4096
#define KERNEL_STACK_SIZE   (64 * 1024)

/* ---------------------------------------------------------------------------------------- */
/* Multiboot2 header (GRUB): the entry address tag names the 32-bit entry. */

    .section .multiboot2, "a"
    .balign 8
mb2_header:
    .long MB2_HEADER_MAGIC
    .long MB2_ARCH_I386
    .long mb2_header_end - mb2_header
    .long 0x100000000 - (MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))

    .balign 8
mb2_tag_entry:
    .short 3                            /* entry address */
    .short 0
    .long 12
    .long multiboot2_entry

    .balign 8
mb2_tag_end:
    .short 0
    .short 0
    .long 8
mb2_header_end:

/* ---------------------------------------------------------------------------------------- */
/* PVH entry note: QEMU's -kernel loader (and Xen) start the kernel at this physical address. */

    .section .note.Xen, "a", @note
    .balign 4
    .long 4                             /* namesz: "Xen\0" */
    .long 8                             /* descsz (QEMU reads a 64-bit value) */
    .long XEN_ELFNOTE_PHYS32_ENTRY
    .asciz "Xen"
    .balign 4
    .quad pvh_entry
    .balign 4

/* ---------------------------------------------------------------------------------------- */
/* 32-bit code, identity-linked. */

    .section .boot.text, "ax"
    .code32

    .global multiboot2_entry
    .type multiboot2_entry, @function
multiboot2_entry:
    cli
    cld
    movl $boot_stack32_top, %esp
    cmpl $MB2_BOOTLOADER_MAGIC, %eax
    jne bad_magic
    movl $BOOT_PROTOCOL_MULTIBOOT2, boot_protocol
    movl %ebx, boot_info
    jmp common32
    .size multiboot2_entry, . - multiboot2_entry

    .global pvh_entry
    .type pvh_entry, @function
pvh_entry:
    cli
    cld
    movl $boot_stack32_top, %esp
    cmpl $PVH_START_MAGIC, (%ebx)
    jne bad_magic
    movl $BOOT_PROTOCOL_PVH, boot_protocol
    movl %ebx, boot_info
    jmp common32
    .size pvh_entry, . - pvh_entry

common32:
    /* CPUID exists when EFLAGS.ID can be toggled. */
    pushfl
    popl %eax
    movl %eax, %ecx
    xorl $(1 << 21), %eax
    pushl %eax
    popfl
    pushfl
    popl %eax
    pushl %ecx
    popfl
    cmpl %eax, %ecx
    je no_long_mode

    movl $0x80000000, %eax
    cpuid
    cmpl $0x80000001, %eax
    jb no_long_mode
    movl $0x80000001, %eax
    cpuid
    testl $CPUID_EXT_LM, %edx
    jz no_long_mode
    andl $CPUID_EXT_NX, %edx
    movl %edx, %ebp                     /* nonzero: NX present */

    /* Zero the page tables (loaders zero NOBITS too, but the tables must not depend on it). */
    movl $boot_page_tables, %edi
    movl $((boot_page_tables_end - boot_page_tables) / 4), %ecx
    xorl %eax, %eax
    rep stosl

    /* Four page directories: physical 0..4 GiB in 2 MiB pages. */
    movl $boot_pd, %edi
    movl $(PTE_PRESENT | PTE_WRITABLE | PTE_LARGE), %eax
    movl $(4 * 512), %ecx
1:  movl %eax, (%edi)
    addl $0x200000, %eax
    addl $8, %edi
    loop 1b

    /* Identity: PML4[0] -> PDPT[0] -> first page directory (1 GiB). */
    movl $(boot_pd + PTE_PRESENT + PTE_WRITABLE), boot_pdpt_identity
    movl $(boot_pdpt_identity + PTE_PRESENT + PTE_WRITABLE), boot_pml4

    /* Direct map: PML4[256] -> PDPT[0..3] -> the four page directories (4 GiB). */
    movl $(boot_pd + PTE_PRESENT + PTE_WRITABLE), boot_pdpt_direct
    movl $(boot_pd + 4096 + PTE_PRESENT + PTE_WRITABLE), boot_pdpt_direct + 8
    movl $(boot_pd + 2 * 4096 + PTE_PRESENT + PTE_WRITABLE), boot_pdpt_direct + 16
    movl $(boot_pd + 3 * 4096 + PTE_PRESENT + PTE_WRITABLE), boot_pdpt_direct + 24
    movl $(boot_pdpt_direct + PTE_PRESENT + PTE_WRITABLE), boot_pml4 + 256 * 8

    /* Kernel: PML4[511] -> PDPT[510] -> first page directory (0xffffffff80000000 = phys 0). */
    movl $(boot_pd + PTE_PRESENT + PTE_WRITABLE), boot_pdpt_kernel + 510 * 8
    movl $(boot_pdpt_kernel + PTE_PRESENT + PTE_WRITABLE), boot_pml4 + 511 * 8

    movl $boot_pml4, %eax
    movl %eax, %cr3

    movl %cr4, %eax
    orl $CR4_PAE, %eax
    movl %eax, %cr4

    movl $MSR_EFER, %ecx
    rdmsr
    orl $EFER_LME, %eax
    testl %ebp, %ebp
    jz 2f
    orl $EFER_NXE, %eax
2:  wrmsr

    lgdt boot_gdt_pointer

    movl %cr0, %eax
    orl $(CR0_PG | CR0_WP | CR0_PE), %eax
    movl %eax, %cr0

    ljmp $GDT_CODE64, $long_mode_low

/* Prints the NUL-terminated string at esi on COM1 (115200 8N1) and halts forever. */
fail32:
    movw $(COM1 + 1), %dx               /* no UART interrupts */
    movb $0x00, %al
    outb %al, %dx
    movw $(COM1 + 3), %dx               /* DLAB */
    movb $0x80, %al
    outb %al, %dx
    movw $(COM1 + 0), %dx               /* divisor 1: 115200 baud */
    movb $0x01, %al
    outb %al, %dx
    movw $(COM1 + 1), %dx
    movb $0x00, %al
    outb %al, %dx
    movw $(COM1 + 3), %dx               /* 8N1 */
    movb $0x03, %al
    outb %al, %dx
    movw $(COM1 + 2), %dx               /* FIFO on, cleared */
    movb $0xc7, %al
    outb %al, %dx
    movw $(COM1 + 4), %dx               /* DTR, RTS */
    movb $0x03, %al
    outb %al, %dx
3:  movb (%esi), %bl
    testb %bl, %bl
    jz 5f
    movw $(COM1 + 5), %dx
4:  inb %dx, %al
    testb $0x20, %al                    /* transmit holding register empty */
    jz 4b
    movw $COM1, %dx
    movb %bl, %al
    outb %al, %dx
    incl %esi
    jmp 3b
5:  cli
    hlt
    jmp 5b

no_long_mode:
    movl $message_no_long_mode, %esi
    jmp fail32

bad_magic:
    movl $message_bad_magic, %esi
    jmp fail32

/* ---------------------------------------------------------------------------------------- */
/* 64-bit code, still at the identity-mapped low address. */

    .code64
long_mode_low:
    movw $GDT_DATA, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    xorl %eax, %eax
    movw %ax, %fs
    movw %ax, %gs
    movl boot_protocol, %r12d           /* zero-extended */
    movl boot_info, %r13d
    movabsq $higher_half_entry, %rax
    jmp *%rax

    .section .boot.rodata, "a"
    .balign 16
boot_gdt:
    .quad 0                             /* null */
    .quad 0x00af9b000000ffff            /* 0x08: 64-bit code, DPL 0, accessed */
    .quad 0x00cf93000000ffff            /* 0x10: data, DPL 0, writable, accessed */
boot_gdt_end:

    .balign 8
boot_gdt_pointer:                       /* for lgdt in 32-bit mode: 32-bit base */
    .short boot_gdt_end - boot_gdt - 1
    .long boot_gdt

message_no_long_mode:
    .asciz "Newt: this CPU has no long mode (x86_64); halting.\r\n"
message_bad_magic:
    .asciz "Newt: unknown boot protocol (neither Multiboot2 nor PVH); halting.\r\n"

/* ---------------------------------------------------------------------------------------- */
/* Early page tables and the 32-bit stack (NOBITS, identity-linked). */

    .section .boot.bss, "aw", @nobits
    .balign 4096
boot_page_tables:
boot_pml4:
    .skip 4096
boot_pdpt_identity:
    .skip 4096
boot_pdpt_direct:
    .skip 4096
boot_pdpt_kernel:
    .skip 4096
boot_pd:
    .skip 4 * 4096
boot_page_tables_end:

    .balign 16
boot_stack32:
    .skip BOOT_STACK_SIZE
boot_stack32_top:

    .balign 4
boot_protocol:
    .skip 4
boot_info:
    .skip 4

    .global boot_pml4

/* ---------------------------------------------------------------------------------------- */
/* Higher half. */

    .section .rodata
    .balign 8
boot_gdt_pointer_high:                  /* the boot GDT through its higher-half alias */
    .short boot_gdt_end - boot_gdt - 1
    .quad boot_gdt + KERNEL_VMA

    .section .text
    .global higher_half_entry
    .type higher_half_entry, @function
higher_half_entry:
    .cfi_startproc
    .cfi_undefined rip
    lgdt boot_gdt_pointer_high
    movq $boot_stack_top, %rsp
    xorl %ebp, %ebp

    /* Zero .bss (the stack is in it, but nothing is on it yet). */
    movq $__bss_start, %rdi
    movq $__bss_end, %rcx
    subq %rdi, %rcx
    xorl %eax, %eax
    rep stosb

    /* Global constructors. */
    movq $__init_array_start, %rbx
1:  cmpq $__init_array_end, %rbx
    jae 2f
    call *(%rbx)
    addq $8, %rbx
    jmp 1b

2:  movl %r12d, %edi                    /* protocol */
    movq %r13, %rsi                     /* info_physical */
    call baremetal_entry

3:  cli
    hlt
    jmp 3b
    .cfi_endproc
    .size higher_half_entry, . - higher_half_entry

    .section .bss
    .balign 4096
    .global boot_stack_bottom, boot_stack_top
boot_stack_bottom:
    .skip KERNEL_STACK_SIZE
boot_stack_top:

    .section .note.GNU-stack, "", @progbits
