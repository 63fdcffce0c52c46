# gdb settings for hosted Newt:  gdb -x tools/newt.gdb --args build/hosted/hosted/newt
# SIGUSR2 is the CPU kick (IPIs, device interrupts, timers): pass it on silently.
handle SIGUSR2 nostop noprint pass
# Stop where the kernel gives up.
break kernel::panic
