/*
 * featurize - time the core alone: every line of FILE through
 * normalize -> tokenize -> features -> sorted tf-idf vector, in memory,
 * one thread.  Prints MB/s and posts/s of that loop (file reading and
 * splitting excluded), so it measures the core and nothing else.
 *
 * Usage: featurize FILE [REPEATS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "incite.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: featurize FILE [REPEATS]\n");
        return 2;
    }
    int repeats = argc > 2 ? atoi(argv[2]) : 3;
    FILE *fp = fopen(argv[1], "rb");
    if (!fp) {
        perror(argv[1]);
        return 1;
    }
    fseek(fp, 0, SEEK_END);
    long size = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *data = malloc((size_t)size + 1);
    if (!data || fread(data, 1, (size_t)size, fp) != (size_t)size) {
        perror("read");
        return 1;
    }
    fclose(fp);
    incite_config cfg;
    incite_config_default(&cfg);
    incite_featurizer *f = incite_featurizer_new(&cfg);
    size_t cap = 1 << 16;
    incite_node *nodes = malloc(cap * sizeof *nodes);
    double best = 1e30;
    long posts = 0, features = 0;
    for (int r = 0; r < repeats; r++) {
        posts = features = 0;
        double t0 = now();
        for (char *p = data, *end = data + size; p < end;) {
            char *nl = memchr(p, '\n', (size_t)(end - p));
            size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
            if (incite_featurize(f, p, len, NULL, NULL))
                return 1;
            if (incite_featurizer_vector_size(f) > cap) {
                cap = incite_featurizer_vector_size(f);
                nodes = realloc(nodes, cap * sizeof *nodes);
            }
            features += incite_featurizer_vector(f, NULL, -1, nodes, cap);
            posts++;
            p += len + 1;
        }
        double t = now() - t0;
        if (t < best)
            best = t;
    }
    printf("%s: %.1f MB in %.3f s: %.1f MB/s, %.0f posts/s, %.0f features/post (best of %d)\n",
           argv[1], (double)size / 1e6, best, (double)size / 1e6 / best, (double)posts / best,
           (double)features / (double)posts, repeats);
    incite_featurizer_free(f);
    free(nodes);
    free(data);
    return 0;
}
