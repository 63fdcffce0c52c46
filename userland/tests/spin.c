// Spins forever in user mode without a syscall: only preemption can stop it.
int main(void) {
    volatile unsigned long counter = 0;
    for (;;) ++counter;
}
