/* Unit tests of the watchlist plugin's pure logic (wl_logic.c): run by
 * `make -C Plugins/watchlist test` (with AddressSanitizer and UBSan). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../wl_logic.h"

static int failures;

#define CHECK(cond)                                                                \
    do {                                                                           \
        if (!(cond)) {                                                             \
            fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__, __LINE__, #cond);      \
            failures++;                                                            \
        }                                                                          \
    } while (0)

static void test_uuid(void) {
    char out[WL_UUID_LEN + 1];
    CHECK(wl_uuid_canonical("0f8fad5b-d9cb-469f-a165-70867728950e", out) == 0);
    CHECK(strcmp(out, "0f8fad5b-d9cb-469f-a165-70867728950e") == 0);
    CHECK(wl_uuid_canonical("0F8FAD5B-D9CB-469F-A165-70867728950E", out) == 0);
    CHECK(strcmp(out, "0f8fad5b-d9cb-469f-a165-70867728950e") == 0);
    CHECK(wl_uuid_canonical("", out) != 0);
    CHECK(wl_uuid_canonical(NULL, out) != 0);
    CHECK(wl_uuid_canonical("not-a-uuid", out) != 0);
    CHECK(wl_uuid_canonical("0f8fad5bd9cb469fa16570867728950e", out) != 0);      /* no dashes */
    CHECK(wl_uuid_canonical("0f8fad5b-d9cb-469f-a165-70867728950", out) != 0);   /* short */
    CHECK(wl_uuid_canonical("0f8fad5b-d9cb-469f-a165-70867728950e0", out) != 0); /* long */
    CHECK(wl_uuid_canonical("0f8fad5b-d9cb-469f-a165-70867728950g", out) != 0);  /* not hex */
    CHECK(wl_uuid_canonical("0f8fad5b_d9cb-469f-a165-70867728950e", out) != 0);  /* wrong separator */
}

static void test_cursor(void) {
    char text[WL_CURSOR_MAX];
    int64_t seq = 0;
    const int64_t values[] = {1, 9, 10, 99, 12345, 999999999, 4611686018427387904LL, 999999999999999999LL, INT64_MAX};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        wl_cursor_encode(values[i], text);
        CHECK(strlen(text) > 0 && strlen(text) < WL_CURSOR_MAX);
        CHECK(strspn(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == strlen(text));
        seq = 0;
        CHECK(wl_cursor_decode(text, &seq) == 0);
        CHECK(seq == values[i]);
    }
    wl_cursor_encode(42, text);
    CHECK(strcmp(text, "d2wxOjQy") == 0); /* base64url("wl1:42") */
    CHECK(wl_cursor_decode("", &seq) != 0);
    CHECK(wl_cursor_decode("!!!!", &seq) != 0);
    CHECK(wl_cursor_decode("d2wxOjQy=", &seq) != 0);      /* padding is not ours */
    CHECK(wl_cursor_decode("d2wyOjQy", &seq) != 0);       /* "wl2:42" */
    CHECK(wl_cursor_decode("d2wxOg", &seq) != 0);         /* "wl1:" */
    CHECK(wl_cursor_decode("d2wxOjA", &seq) != 0);        /* "wl1:0" */
    CHECK(wl_cursor_decode("d2wxOi0x", &seq) != 0);       /* "wl1:-1" */
    CHECK(wl_cursor_decode("d2wxOjA0Mg", &seq) != 0);     /* "wl1:042", not canonical */
    CHECK(wl_cursor_decode("d2wxOjQyeA", &seq) != 0);     /* "wl1:42x" */
    CHECK(wl_cursor_decode("d2wxOjkyMjMzNzIwMzY4NTQ3NzU4MDg", &seq) != 0); /* "wl1:9223372036854775808" */
    char longer[200];
    memset(longer, 'A', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    CHECK(wl_cursor_decode(longer, &seq) != 0);
}

static void test_contains_query(void) {
    static wl_id_list list;
    char err[192];
    const char *a = "0f8fad5b-d9cb-469f-a165-70867728950e", *b = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
    char query[8192];

    snprintf(query, sizeof query, "ids=%s,%s", a, b);
    CHECK(wl_parse_contains_query(query, &list, err, sizeof err) == 0);
    CHECK(list.count == 2 && strcmp(list.ids[0], a) == 0 && strcmp(list.ids[1], b) == 0);

    snprintf(query, sizeof query, "ids=%s%%2C%s", a, b); /* an encoded comma */
    CHECK(wl_parse_contains_query(query, &list, err, sizeof err) == 0 && list.count == 2);

    snprintf(query, sizeof query, "ids=%s&ids=%s&ids=%s", a, b, a); /* repeated, a duplicate */
    CHECK(wl_parse_contains_query(query, &list, err, sizeof err) == 0 && list.count == 2);

    snprintf(query, sizeof query, "ids=0F8FAD5B-D9CB-469F-A165-70867728950E");
    CHECK(wl_parse_contains_query(query, &list, err, sizeof err) == 0 && list.count == 1);
    CHECK(strcmp(list.ids[0], a) == 0 && strcmp(list.keys[0], "0F8FAD5B-D9CB-469F-A165-70867728950E") == 0);

    CHECK(wl_parse_contains_query("", &list, err, sizeof err) != 0 && strstr(err, "required"));
    CHECK(wl_parse_contains_query("ids=", &list, err, sizeof err) != 0);
    CHECK(wl_parse_contains_query("ids", &list, err, sizeof err) != 0);
    CHECK(wl_parse_contains_query("ids=nope", &list, err, sizeof err) != 0 && strstr(err, "\"nope\""));
    CHECK(wl_parse_contains_query("ids=%22%0a", &list, err, sizeof err) != 0 && strstr(err, "\\\"\\u000a"));
    CHECK(wl_parse_contains_query("ids=%zz", &list, err, sizeof err) != 0);
    CHECK(wl_parse_contains_query("ids=%00", &list, err, sizeof err) != 0);
    snprintf(query, sizeof query, "ids=%s&other=1", a);
    CHECK(wl_parse_contains_query(query, &list, err, sizeof err) != 0 && strstr(err, "unknown"));
    snprintf(query, sizeof query, "ids=%s,", a); /* a trailing empty id */
    CHECK(wl_parse_contains_query(query, &list, err, sizeof err) != 0);

    /* 100 distinct ids pass, 101 do not. */
    size_t o = (size_t)snprintf(query, sizeof query, "ids=");
    for (int i = 0; i < 101; i++)
        o += (size_t)snprintf(query + o, sizeof query - o, "%s00000000-0000-4000-8000-%012d", i ? "," : "", i);
    CHECK(wl_parse_contains_query(query, &list, err, sizeof err) != 0 && strstr(err, "at most 100"));
    query[o - 37] = '\0'; /* drop the last id */
    CHECK(wl_parse_contains_query(query, &list, err, sizeof err) == 0 && list.count == 100);
}

static void test_json_string(void) {
    char out[64];
    CHECK(wl_json_string("plain", out, sizeof out) == 7 && strcmp(out, "\"plain\"") == 0);
    wl_json_string("a\"b\\c\n\x01", out, sizeof out);
    CHECK(strcmp(out, "\"a\\\"b\\\\c\\u000a\\u0001\"") == 0);
    char tiny[4];
    size_t need = wl_json_string("abcdef", tiny, sizeof tiny);
    CHECK(need == 8 && strlen(tiny) == 3); /* truncated, still terminated */
}

static void test_migrations(void) {
    char err[128];
    CHECK(wl_migration_count >= 1);
    CHECK(wl_migrations_check(wl_migrations, wl_migration_count, err, sizeof err) == 0);
    const wl_migration gap[] = {{1, "one", "SELECT 1"}, {3, "three", "SELECT 3"}};
    CHECK(wl_migrations_check(gap, 2, err, sizeof err) != 0 && strstr(err, "expected 2"));
    const wl_migration empty[] = {{1, "one", ""}};
    CHECK(wl_migrations_check(empty, 1, err, sizeof err) != 0);
    /* The advisory lock key matches the Swift migrator's (FNV-1a 64). */
    CHECK(wl_fnv1a64("") == (int64_t)0xcbf29ce484222325ull);
    CHECK(wl_fnv1a64("a") == (int64_t)0xaf63dc4c8601ec8cull);
}

int main(void) {
    test_uuid();
    test_cursor();
    test_contains_query();
    test_json_string();
    test_migrations();
    if (failures) {
        fprintf(stderr, "watchlist unit tests: %d FAILED\n", failures);
        return 1;
    }
    printf("watchlist unit tests: all passed\n");
    return 0;
}
