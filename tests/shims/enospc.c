/*
 * enospc.c - an LD_PRELOAD shim that makes the disk look full: write(),
 * writev(), pwrite() and fsync()/fdatasync() on regular files fail with
 * ENOSPC; pipes, terminals and /dev/null (stdout, stderr) are untouched.
 * Error injection for the model writer (jq's inject_errors.c in spirit),
 * without ever pointing a program at /dev/full.
 *
 * Environment:
 *   ENOSPC_AFTER=N  let the first N bytes (over all files) through, then
 *                   fail: a disk that fills up in the middle of a file;
 *                   the write that crosses N is short, as on a real disk
 *   ENOSPC_FSYNC=1  writes succeed, only fsync()/fdatasync() fail, as when
 *                   the file system finds out late (delayed allocation)
 *   ENOSPC_PATH=P   only files whose path starts with P
 *
 * Only direct calls are caught: glibc's stdio writes through an internal
 * entry point.  The model writer calls write() and fsync() itself.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static unsigned long long budget, used;
static int configured, fsync_only, exhausted;
static const char *prefix;

static void configure(void)
{
    if (configured)
        return;
    const char *s = getenv("ENOSPC_AFTER");
    budget = s ? strtoull(s, NULL, 10) : 0;
    s = getenv("ENOSPC_FSYNC");
    fsync_only = s && *s == '1';
    prefix = getenv("ENOSPC_PATH");
    configured = 1;
}

/* Whether fd is a file this shim fills up. */
static int targeted(int fd)
{
    struct stat st;
    configure();
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        return 0;
    if (!prefix || !*prefix)
        return 1;
    char link[64], path[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n < 0)
        return 0;
    path[n] = '\0';
    return strncmp(path, prefix, strlen(prefix)) == 0;
}

/* How many of n bytes may still be written; 0 sets errno to ENOSPC. */
static size_t allowance(size_t n)
{
    if (fsync_only)
        return n;
    unsigned long long left = used < budget ? budget - used : 0;
    if (left == 0) {
        exhausted = 1;
        errno = ENOSPC;
        return 0;
    }
    return n < left ? n : (size_t)left;
}

typedef ssize_t (*write_fn)(int, const void *, size_t);
typedef ssize_t (*pwrite_fn)(int, const void *, size_t, off_t);
typedef ssize_t (*writev_fn)(int, const struct iovec *, int);
typedef int (*sync_fn)(int);

/* The next definition of name (libc's), looked up once. */
#define REAL(name, type)                                                   \
    static type real_##name;                                               \
    if (!real_##name)                                                      \
    *(void **)(&real_##name) = dlsym(RTLD_NEXT, #name)

ssize_t write(int fd, const void *buf, size_t n)
{
    REAL(write, write_fn);
    if (n == 0 || !targeted(fd))
        return real_write(fd, buf, n);
    size_t k = allowance(n);
    if (k == 0)
        return -1;
    ssize_t r = real_write(fd, buf, k);
    if (r > 0)
        used += (unsigned long long)r;
    return r;
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
    REAL(pwrite, pwrite_fn);
    if (n == 0 || !targeted(fd))
        return real_pwrite(fd, buf, n, off);
    size_t k = allowance(n);
    if (k == 0)
        return -1;
    ssize_t r = real_pwrite(fd, buf, k, off);
    if (r > 0)
        used += (unsigned long long)r;
    return r;
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
    return pwrite(fd, buf, n, off);
}

ssize_t writev(int fd, const struct iovec *iov, int cnt)
{
    REAL(writev, writev_fn);
    size_t n = 0;
    for (int i = 0; i < cnt; i++)
        n += iov[i].iov_len;
    if (n == 0 || !targeted(fd))
        return real_writev(fd, iov, cnt);
    size_t k = allowance(n);
    if (k == 0)
        return -1;
    if (k < n) {   /* short: what fits of the first non-empty buffer */
        int i = 0;
        while (iov[i].iov_len == 0)
            i++;
        return write(fd, iov[i].iov_base, k < iov[i].iov_len ? k : iov[i].iov_len);
    }
    ssize_t r = real_writev(fd, iov, cnt);
    if (r > 0)
        used += (unsigned long long)r;
    return r;
}

static int sync_fails(int fd)
{
    configure();
    if (!targeted(fd))
        return 0;
    if (fsync_only || exhausted) {
        errno = ENOSPC;
        return 1;
    }
    return 0;
}

int fsync(int fd)
{
    REAL(fsync, sync_fn);
    return sync_fails(fd) ? -1 : real_fsync(fd);
}

int fdatasync(int fd)
{
    REAL(fdatasync, sync_fn);
    return sync_fails(fd) ? -1 : real_fdatasync(fd);
}
