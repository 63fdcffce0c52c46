// The stub executable (built from stub.c by hosted/CMakeLists.txt), embedded in the kernel
// process; user_stub.cpp writes it to a sealed memfd and executes that.
    .section .rodata.newt_stub_image, "a"
    .globl newt_stub_image
    .globl newt_stub_image_end
    .balign 16
newt_stub_image:
    .incbin NEWT_STUB_PATH
newt_stub_image_end:

    .section .note.GNU-stack, "", @progbits
