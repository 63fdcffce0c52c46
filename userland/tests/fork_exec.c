// fork_exec N PROGRAM: N times fork, exec PROGRAM in the child (with argument "7") and wait
// for it; checks each status is 7 and that the child's pid is new. Prints a summary; exits
// 0 when every round went right.
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char** argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : 10;
    const char* program = argc > 2 ? argv[2] : "/tests/exit_with";
    int good = 0;
    for (int i = 0; i < rounds; ++i) {
        pid_t child = fork();
        if (child < 0) {
            perror("fork");
            return 1;
        }
        if (child == 0) {
            execl(program, program, "7", (char*)0);
            _exit(127);
        }
        int status = 0;
        if (waitpid(child, &status, 0) != child) {
            perror("waitpid");
            return 1;
        }
        if (WIFEXITED(status) && WEXITSTATUS(status) == 7) ++good;
    }
    printf("fork_exec: %d of %d rounds exited 7\n", good, rounds);
    return good == rounds ? 0 : 1;
}
