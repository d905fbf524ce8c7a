/*
 * featurize - time the core alone: every line of FILE through
 * normalize -> tokenize -> features -> sorted tf-idf vector, in memory,
 * one thread.  Prints MB/s and posts/s of that loop (file reading and
 * splitting excluded), so it measures the core and nothing else.
 *
 * Usage: featurize [--model PATH] [--no-fold] [--json] FILE [REPEATS]
 *   --model    the configuration and the idf learned in training of that
 *              model (the shipped one in the benchmark); without it the
 *              default configuration and every idf 1, which skips the
 *              idf's loads
 *   --no-fold  evasion folding off (incite_config.fold = 0), the rest of
 *              the configuration unchanged
 *   --json     one JSON object (best and mean of the REPEATS passes)
 *              instead of the line of text
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
    int no_fold = 0, json = 0;
    const char *model_path = NULL;
    while (argc > 1 && argv[1][0] == '-' && argv[1][1] == '-') {
        if (!strcmp(argv[1], "--model") && argc > 2) {
            model_path = argv[2];
            argv++;
            argc--;
        } else if (!strcmp(argv[1], "--no-fold"))
            no_fold = 1;
        else if (!strcmp(argv[1], "--json"))
            json = 1;
        else
            break;
        argv++;
        argc--;
    }
    if (argc < 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: featurize [--model PATH] [--no-fold] [--json] FILE [REPEATS]\n");
        return 2;
    }
    int repeats = argc > 2 ? atoi(argv[2]) : 3;
    if (repeats < 1)
        repeats = 1;
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
    float *idf = NULL;   /* contiguous, as incite_featurizer_vector() reads it */
    if (model_path) {
        incite_model *m;
        if (incite_model_load(model_path, &m)) {
            fprintf(stderr, "featurize: %s\n", incite_last_error());
            return 1;
        }
        cfg = *incite_model_config(m);
        size_t stride, dim = incite_config_dimension(&cfg);
        const float *mi = incite_model_idf(m, &stride);
        idf = malloc(dim * sizeof *idf);
        if (!idf) {
            perror("malloc");
            return 1;
        }
        for (size_t j = 0; j < dim; j++)
            idf[j] = mi[j * stride];
        incite_model_free(m);
    }
    if (no_fold)
        cfg.fold = 0;
    incite_featurizer *f = incite_featurizer_new(&cfg);
    size_t cap = 1 << 16;
    incite_node *nodes = malloc(cap * sizeof *nodes);
    double best = 1e30, total = 0;
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
            features += incite_featurizer_vector(f, idf, -1, nodes, cap);
            posts++;
            p += len + 1;
        }
        double t = now() - t0;
        if (t < best)
            best = t;
        total += t;
    }
    if (json) {
        double mean = total / repeats;
        printf("{\"file\": \"%s\", \"model\": \"%s\", \"fold\": %s, \"bytes\": %ld, \"posts\": %ld, "
               "\"features_per_post\": %.1f, \"repeats\": %d, \"best_s\": %.4f, \"mean_s\": %.4f, "
               "\"mb_per_s_best\": %.2f, \"mb_per_s_mean\": %.2f, "
               "\"posts_per_s_best\": %.0f, \"posts_per_s_mean\": %.0f}\n",
               argv[1], model_path ? model_path : "", no_fold ? "false" : "true", size, posts,
               (double)features / (double)posts, repeats, best, mean, (double)size / 1e6 / best,
               (double)size / 1e6 / mean, (double)posts / best, (double)posts / mean);
    } else {
        printf("%s: %.1f MB in %.3f s: %.1f MB/s, %.0f posts/s, %.0f features/post (best of %d%s)\n",
               argv[1], (double)size / 1e6, best, (double)size / 1e6 / best, (double)posts / best,
               (double)features / (double)posts, repeats, no_fold ? ", evasion folding off" : "");
    }
    incite_featurizer_free(f);
    free(nodes);
    free(idf);
    free(data);
    return 0;
}
