/*
 * test_strbuf.c - the output's numbers: sb_num() prints what
 * printf("%.6f") prints, trailing zeros trimmed, for every value, whether
 * its fast path or printf formats it.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "strbuf.h"
#include "testutil.h"

/* The definition: printf's digits, trimmed. */
static void reference(double v, char *out, size_t cap)
{
    if (!isfinite(v)) {
        snprintf(out, cap, "null");
        return;
    }
    int n = snprintf(out, cap, "%.6f", v);
    while (n > 1 && out[n - 1] == '0')
        n--;
    if (n > 1 && out[n - 1] == '.')
        n--;
    out[n] = '\0';
    if (strcmp(out, "-0") == 0)
        snprintf(out, cap, "0");
}

static void check(double v)
{
    char want[400];
    reference(v, want, sizeof want);
    strbuf b = {0};
    sb_num(&b, v);
    if (strcmp(b.s, want) != 0)
        fail_msg("%.17g: sb_num gives %s, printf %s", v, b.s, want);
    sb_free(&b);
}

static void test_cases(void **state)
{
    (void)state;
    static const double cases[] = {
        0, -0.0, 1, -1, 0.5, 0.93, 0.052314, 1e-7, -1e-7, 4e-7, -4e-7, 5e-7, 6e-7,
        0.0000005, 0.0000015, 0.0000025, 0.1234565, 0.9999995, 0.99999949, 0.99999951,
        999.9999995, 999.999999, 1000, -1000, 1000.0000005, 123456.789, 1e300, -1e300,
        2.5e-7, 0.30000000000000004, 0.1 + 0.2, 1.0 / 3, -2.0 / 3, INFINITY, -INFINITY, NAN,
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        check(cases[i]);
}

/* splitmix64, for values spread over every scale sb_num meets */
static uint64_t next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void test_random_values(void **state)
{
    (void)state;
    uint64_t s = 1;
    for (int i = 0; i < 2000000; i++) {
        double u = (double)(next(&s) >> 11) / 9007199254740992.0;   /* [0, 1) */
        int scale = (int)(next(&s) % 12) - 8;                      /* 1e-8 .. 1e3 */
        double v = u * pow(10.0, scale) * (next(&s) & 1 ? -1 : 1);
        check(v);
        /* and values near the ties of the sixth decimal */
        double t = (floor(u * 1e6) + 0.5) / 1e6;
        check(t);
        check(nextafter(t, 0));
        check(nextafter(t, 1));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_random_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
