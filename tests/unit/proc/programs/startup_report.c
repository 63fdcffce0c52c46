// A static test program that reports what the kernel gave it at startup, for the ELF
// loader, initial stack and script tests (tests/unit/proc). The tests build it with glibc
// (static and static-PIE) and musl, read its headers as the loader would, run it on the
// host and compare. Output, one item per line, strings in hex (so any byte survives):
//   argc N / arg I HEX / env I HEX / auxv KEY VALUE / rsp X / stack_top X / start_brk X /
//   stack HEX (every byte from rsp, where argc is, up to the top of the stack)
#include <stdint.h>
#include <stdio.h>
#include <string.h>

// Initialized data, zero-filled data and thread-local data, so every segment kind exists.
int initialized_data[64] = {1, 2, 3};
char zero_filled[100000];
__thread int thread_local_value = 42;

static void print_hex(const unsigned char* bytes, size_t length) {
    for (size_t i = 0; i < length; ++i) printf("%02x", bytes[i]);
}

static unsigned long stack_top(void) {
    FILE* maps = fopen("/proc/self/maps", "r");
    char line[512];
    unsigned long start = 0, end = 0, found = 0;
    while (maps && fgets(line, sizeof line, maps))
        if (strstr(line, "[stack]") && sscanf(line, "%lx-%lx", &start, &end) == 2) found = end;
    if (maps) fclose(maps);
    return found;
}

// Field 47 of /proc/self/stat: where the kernel put the program break at exec.
static unsigned long start_brk(void) {
    FILE* stat = fopen("/proc/self/stat", "r");
    char text[4096];
    size_t length = stat ? fread(text, 1, sizeof text - 1, stat) : 0;
    if (stat) fclose(stat);
    text[length] = 0;
    char* field = strrchr(text, ')');
    if (!field) return 0;
    unsigned long value = 0;
    for (int number = 2; number < 47 && field; ++number) field = strchr(field + 1, ' ');
    if (field) sscanf(field + 1, "%lu", &value);
    return value;
}

int main(int argc, char** argv, char** envp) {
    printf("argc %d\n", argc);
    for (int i = 0; i < argc; ++i) {
        printf("arg %d ", i);
        print_hex((const unsigned char*)argv[i], strlen(argv[i]));
        printf("\n");
    }
    char** env = envp;
    for (int i = 0; env[i]; ++i) {
        printf("env %d ", i);
        print_hex((const unsigned char*)env[i], strlen(env[i]));
        printf("\n");
    }
    while (*env) ++env;
    for (uint64_t* auxv = (uint64_t*)(env + 1);; auxv += 2) {
        printf("auxv %llu %llx\n", (unsigned long long)auxv[0], (unsigned long long)auxv[1]);
        if (auxv[0] == 0) break;
    }
    unsigned long rsp = (unsigned long)argv - sizeof(long);
    unsigned long top = stack_top();
    printf("rsp %lx\nstack_top %lx\nstart_brk %lx\n", rsp, top, start_brk());
    if (top > rsp && top - rsp < (1ul << 20)) {
        printf("stack ");
        print_hex((const unsigned char*)rsp, top - rsp);
        printf("\n");
    }
    return initialized_data[0] + zero_filled[99] + thread_local_value == 43 ? 0 : 1;
}
