/* The first link's symbol table: empty. The final link uses the generated one. */
    .section .kernel_symbols, "a"
    .balign 8
    .global kernel_symbol_table
kernel_symbol_table:
    .quad 0
    .section .note.GNU-stack, "", @progbits
