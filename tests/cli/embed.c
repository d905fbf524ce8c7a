/* A program that embeds incite as a user of `make install` would: only
 * the installed header and library (tests/cli/test_install.sh). */
#include <stdio.h>
#include <string.h>

#include <incite.h>

/* A host function named as one of the library's internal ones: the
 * shared library must keep calling its own (it once called this). */
int normalize(void);
int normalize(void)
{
    return 0;
}

int main(int argc, char **argv)
{
    incite_model *m;
    if (argc != 2 || incite_model_load(argv[1], &m)) {
        fprintf(stderr, "embed: %s\n", argc == 2 ? incite_last_error() : "usage: embed MODEL");
        return 1;
    }
    incite_scorer *s = incite_scorer_new(m);
    const char *post = "They should all be killed, every last one of them. Burn their homes!";
    incite_score sc;
    if (!s || incite_score_post(s, post, strlen(post), NULL, &sc)) {
        fprintf(stderr, "embed: %s\n", incite_last_error());
        return 1;
    }
    printf("%s %.3f\n", incite_model_label(m, (size_t)sc.label), sc.prob[sc.label]);
    incite_scorer_free(s);
    incite_model_free(m);
    return normalize();
}
