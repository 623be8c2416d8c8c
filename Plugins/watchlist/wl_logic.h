/* Pure helpers of the watchlist plugin (no host, no database), unit-tested
 * on their own by Tests/unit_tests.c: video ids, cursors, the contains query,
 * JSON string escaping, the migrations list. */
#ifndef WL_LOGIC_H
#define WL_LOGIC_H

#include <stddef.h>
#include <stdint.h>

#define WL_UUID_LEN 36        /* 8-4-4-4-12 hex digits */
#define WL_CURSOR_MAX 48      /* an encoded cursor, NUL included */
#define WL_CONTAINS_MAX 100   /* ids per contains call */
#define WL_DEFAULT_LIMIT 20
#define WL_MAX_LIMIT 100

/* Copies `text` in canonical form (lower-case hex, dashes at 8, 13, 18, 23)
 * into out (37 bytes). Returns 0, or -1 when `text` is not a UUID. */
int wl_uuid_canonical(const char *text, char out[WL_UUID_LEN + 1]);

/* A keyset cursor names the last entry of a page by its sequence number
 * (> 0); it is opaque to clients: base64url of "wl1:<seq>". */
void wl_cursor_encode(int64_t seq, char out[WL_CURSOR_MAX]);
/* Returns 0 and sets *seq, or -1 when `text` is not a cursor of ours. */
int wl_cursor_decode(const char *text, int64_t *seq);

/* The ids of a contains query string ("ids=a,b,c", also "ids=a&ids=b",
 * percent-encoded or not). On success returns the number of ids (1..100)
 * written to ids[] in canonical form, duplicates dropped, and keys[] holds
 * each one as the client wrote it (decoded; the JSON answer's keys). On
 * failure returns -1 with a message in err. */
typedef struct wl_id_list {
    size_t count;
    char ids[WL_CONTAINS_MAX][WL_UUID_LEN + 1];
    char keys[WL_CONTAINS_MAX][WL_UUID_LEN + 1];
} wl_id_list;
int wl_parse_contains_query(const char *query, wl_id_list *out, char *err, size_t err_size);

/* Adds one id (as the client wrote it) to the list: 0, or -1 with err. */
int wl_id_list_add(wl_id_list *list, const char *text, char *err, size_t err_size);

/* Writes `text` as a JSON string (quotes included) into out; returns the
 * length it needs (like snprintf), so a short buffer can be retried. */
size_t wl_json_string(const char *text, char *out, size_t out_size);

/* The plugin's schema history. Applied migrations never change. */
typedef struct wl_migration {
    int version;
    const char *name;
    const char *sql;
} wl_migration;
extern const wl_migration wl_migrations[];
extern const size_t wl_migration_count;
/* 0 when versions start at 1 and increase by one, with non-empty SQL. */
int wl_migrations_check(const wl_migration *list, size_t count, char *err, size_t err_size);

/* FNV-1a 64-bit, as the Swift migrator keys its advisory lock
 * ("reel.migrations." + schema). */
int64_t wl_fnv1a64(const char *text);

#endif
