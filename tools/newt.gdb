# Optional gdb settings for hosted Newt:  gdb -x tools/newt.gdb --args build/hosted/hosted/newt
# The CPU kick signal (IPIs, device interrupts, timers) is SIGURG, which gdb already passes
# silently; this only says so explicitly and stops where the kernel gives up.
handle SIGURG nostop noprint pass
break kernel::panic
