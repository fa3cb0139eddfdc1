// Counts heap allocations (malloc, calloc, realloc, posix_memalign, aligned_alloc) and prints the
// total at exit; preloaded by bench/allocations.sh.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

static atomic_long allocations, bytes;
static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static int (*real_posix_memalign)(void **, size_t, size_t);
static void *(*real_aligned_alloc)(size_t, size_t);

// dlsym itself may call calloc before real_calloc is known: serve it from a static arena.
static char arena[1 << 16];
static size_t arena_used;

static void count(size_t size) {
    atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&bytes, (long)size, memory_order_relaxed);
}

void *malloc(size_t size) {
    if (!real_malloc) real_malloc = dlsym(RTLD_NEXT, "malloc");
    count(size);
    return real_malloc(size);
}

void *calloc(size_t n, size_t size) {
    if (!real_calloc) {
        size_t need = (n * size + 15) & ~(size_t)15;
        if (arena_used + need > sizeof arena) abort();
        void *p = arena + arena_used;
        arena_used += need;
        return p;
    }
    count(n * size);
    return real_calloc(n, size);
}

void *realloc(void *p, size_t size) {
    if (!real_realloc) real_realloc = dlsym(RTLD_NEXT, "realloc");
    count(size);
    return real_realloc(p, size);
}

int posix_memalign(void **p, size_t alignment, size_t size) {
    if (!real_posix_memalign) real_posix_memalign = dlsym(RTLD_NEXT, "posix_memalign");
    count(size);
    return real_posix_memalign(p, alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size) {
    if (!real_aligned_alloc) real_aligned_alloc = dlsym(RTLD_NEXT, "aligned_alloc");
    count(size);
    return real_aligned_alloc(alignment, size);
}

__attribute__((constructor)) static void start(void) { real_calloc = dlsym(RTLD_NEXT, "calloc"); }

__attribute__((destructor)) static void report(void) {
    fprintf(stderr, "ALLOCATIONS %ld BYTES %ld\n", atomic_load(&allocations), atomic_load(&bytes));
}
