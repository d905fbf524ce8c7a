/*
 * replay.c - runs a libFuzzer harness without libFuzzer, for the normal
 * toolchain: feeds LLVMFuzzerTestOneInput each file named on the command
 * line (a directory: each file in it, in name order).
 *
 * Each input runs in a child process, so that one input's crash, leak
 * report, hang or memory blow-up is reported with its file name and the
 * others still run: a child killed by a signal, exiting non-zero (the
 * sanitizers' reports), running longer than REPLAY_TIMEOUT seconds
 * (default 30) or growing past REPLAY_MAX_RSS_MB (default 2048) fails.
 * Exit status 0 only if every input passed.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fuzz.h"

static long env_long(const char *name, long dflt)
{
    const char *s = getenv(name);
    char *end;
    long v = s ? strtol(s, &end, 10) : dflt;
    return s && (*end || v <= 0) ? dflt : v;
}

static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    size_t cap = 4096, len = 0;
    unsigned char *buf = malloc(cap);
    while (buf) {
        len += fread(buf + len, 1, cap - len, fp);
        if (len < cap)
            break;
        unsigned char *more = realloc(buf, cap * 2);
        if (!more) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = more;
        cap *= 2;
    }
    if (ferror(fp)) {
        free(buf);
        buf = NULL;
    }
    fclose(fp);
    *n = len;
    return buf;
}

static int failures, inputs;

static void run_one(const char *path, long timeout, long max_rss_mb)
{
    inputs++;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "FAIL  %s: fork: %s\n", path, strerror(errno));
        failures++;
        return;
    }
    if (pid == 0) {
        size_t n;
        unsigned char *data = slurp(path, &n);
        if (!data) {
            fprintf(stderr, "%s: cannot read: %s\n", path, strerror(errno));
            exit(98);
        }
        alarm((unsigned)timeout);
        LLVMFuzzerTestOneInput(data, n);
        free(data);
        exit(0);   /* exit, not _exit: the leak checker runs at exit */
    }
    int status;
    struct rusage ru;
    while (wait4(pid, &status, 0, &ru) < 0)
        if (errno != EINTR) {
            fprintf(stderr, "FAIL  %s: wait4: %s\n", path, strerror(errno));
            failures++;
            return;
        }
    long rss_mb = ru.ru_maxrss / 1024;
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
        fprintf(stderr, "FAIL  %s: still running after %ld s\n", path, timeout);
    else if (WIFSIGNALED(status))
        fprintf(stderr, "FAIL  %s: killed by signal %d\n", path, WTERMSIG(status));
    else if (WEXITSTATUS(status) != 0)
        fprintf(stderr, "FAIL  %s: exit status %d\n", path, WEXITSTATUS(status));
    else if (rss_mb > max_rss_mb)
        fprintf(stderr, "FAIL  %s: peak RSS %ld MB (limit %ld)\n", path, rss_mb, max_rss_mb);
    else
        return;
    failures++;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_dir(const char *dir, long timeout, long max_rss_mb)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "FAIL  %s: %s\n", dir, strerror(errno));
        failures++;
        return;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;   /* ., .., and notes like .gitignore */
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            char **more = realloc(names, cap * sizeof *names);
            if (!more)
                abort();
            names = more;
        }
        size_t len = strlen(dir) + strlen(e->d_name) + 2;
        names[n] = malloc(len);
        if (!names[n])
            abort();
        snprintf(names[n++], len, "%s/%s", dir, e->d_name);
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode))
            run_one(names[i], timeout, max_rss_mb);
        free(names[i]);
    }
    free(names);
}

int main(int argc, char **argv)
{
    long timeout = env_long("REPLAY_TIMEOUT", 30);
    long max_rss_mb = env_long("REPLAY_MAX_RSS_MB", 2048);
    const char *name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            if (errno == ENOENT)
                continue;   /* an empty crashes/ directory need not exist */
            fprintf(stderr, "FAIL  %s: %s\n", argv[i], strerror(errno));
            failures++;
        } else if (S_ISDIR(st.st_mode))
            run_dir(argv[i], timeout, max_rss_mb);
        else
            run_one(argv[i], timeout, max_rss_mb);
    }
    printf("%s  %s: %d inputs, %d failed\n", failures ? "FAIL" : "PASS", name, inputs, failures);
    return failures != 0;
}
