/* Pure helpers: see wl_logic.h. */
#include "wl_logic.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

int wl_uuid_canonical(const char *text, char out[WL_UUID_LEN + 1]) {
    if (text == NULL || strlen(text) != WL_UUID_LEN) return -1;
    for (size_t i = 0; i < WL_UUID_LEN; i++) {
        char c = text[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-') return -1;
            out[i] = '-';
        } else if (c >= '0' && c <= '9') {
            out[i] = c;
        } else if (c >= 'a' && c <= 'f') {
            out[i] = c;
        } else if (c >= 'A' && c <= 'F') {
            out[i] = (char)(c - 'A' + 'a');
        } else {
            return -1;
        }
    }
    out[WL_UUID_LEN] = '\0';
    return 0;
}

/* ---- cursors ------------------------------------------------------------- */

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static int b64url_value(char c) {
    const char *p = c ? strchr(b64url, c) : NULL;
    return p ? (int)(p - b64url) : -1;
}

void wl_cursor_encode(int64_t seq, char out[WL_CURSOR_MAX]) {
    char plain[32];
    int n = snprintf(plain, sizeof plain, "wl1:%lld", (long long)seq);
    size_t o = 0;
    for (int i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)(unsigned char)plain[i] << 16;
        int have = n - i;
        if (have > 1) v |= (uint32_t)(unsigned char)plain[i + 1] << 8;
        if (have > 2) v |= (uint32_t)(unsigned char)plain[i + 2];
        out[o++] = b64url[(v >> 18) & 63];
        out[o++] = b64url[(v >> 12) & 63];
        if (have > 1) out[o++] = b64url[(v >> 6) & 63];
        if (have > 2) out[o++] = b64url[v & 63];
    }
    out[o] = '\0';
}

int wl_cursor_decode(const char *text, int64_t *seq) {
    if (text == NULL) return -1;
    size_t len = strlen(text);
    if (len == 0 || len >= WL_CURSOR_MAX || len % 4 == 1) return -1;
    char plain[WL_CURSOR_MAX];
    size_t o = 0;
    for (size_t i = 0; i < len; i += 4) {
        size_t have = len - i < 4 ? len - i : 4;
        uint32_t v = 0;
        for (size_t k = 0; k < 4; k++) {
            int d = k < have ? b64url_value(text[i + k]) : 0;
            if (d < 0) return -1;
            v = (v << 6) | (uint32_t)d;
        }
        plain[o++] = (char)(v >> 16);
        if (have > 2) plain[o++] = (char)(v >> 8);
        if (have > 3) plain[o++] = (char)v;
    }
    plain[o] = '\0';
    if (o < 5 || memcmp(plain, "wl1:", 4) != 0) return -1;
    int64_t value = 0;
    for (size_t i = 4; i < o; i++) {
        if (plain[i] < '0' || plain[i] > '9') return -1;
        int digit = plain[i] - '0';
        if (value > (INT64_MAX - digit) / 10) return -1; /* beyond bigint */
        value = value * 10 + digit;
    }
    if (value <= 0 || (o > 5 && plain[4] == '0')) return -1;
    /* Only the canonical spelling: the same entry has one cursor. */
    char again[WL_CURSOR_MAX];
    wl_cursor_encode(value, again);
    if (strcmp(again, text) != 0) return -1;
    *seq = value;
    return 0;
}

/* ---- the contains query ---------------------------------------------------- */

static int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Percent-decodes [begin, end) ("+" is a space) into out; -1 if malformed
 * or longer than out_size - 1. */
static int percent_decode(const char *begin, const char *end, char *out, size_t out_size) {
    size_t o = 0;
    for (const char *p = begin; p < end; p++) {
        char c = *p;
        if (c == '%') {
            if (end - p < 3) return -1;
            int hi = hex_value(p[1]), lo = hex_value(p[2]);
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) return -1;
            c = (char)(hi * 16 + lo);
            p += 2;
        } else if (c == '+') {
            c = ' ';
        }
        if (o + 1 >= out_size) return -1;
        out[o++] = c;
    }
    out[o] = '\0';
    return 0;
}

int wl_id_list_add(wl_id_list *list, const char *text, char *err, size_t err_size) {
    char id[WL_UUID_LEN + 1];
    if (wl_uuid_canonical(text, id) != 0) {
        char quoted[96];
        size_t need = wl_json_string(text, quoted, sizeof quoted);
        if (need >= sizeof quoted) snprintf(quoted, sizeof quoted, "(%zu bytes)", strlen(text));
        snprintf(err, err_size, "ids: %s is not a video id", quoted);
        return -1;
    }
    for (size_t i = 0; i < list->count; i++)
        if (strcmp(list->ids[i], id) == 0) return 0;
    if (list->count >= WL_CONTAINS_MAX) {
        snprintf(err, err_size, "ids: at most %d ids per call", WL_CONTAINS_MAX);
        return -1;
    }
    memcpy(list->ids[list->count], id, sizeof id);
    memcpy(list->keys[list->count], text, WL_UUID_LEN + 1);
    list->count++;
    return 0;
}

int wl_parse_contains_query(const char *query, wl_id_list *out, char *err, size_t err_size) {
    out->count = 0;
    int saw_ids = 0;
    const char *p = query ? query : "";
    char value[4096];
    while (*p) {
        const char *amp = strchr(p, '&');
        const char *end = amp ? amp : p + strlen(p);
        const char *eq = memchr(p, '=', (size_t)(end - p));
        const char *name_end = eq ? eq : end;
        char name[32];
        if (name_end > p) {
            if (percent_decode(p, name_end, name, sizeof name) != 0 || strcmp(name, "ids") != 0) {
                snprintf(err, err_size, "unknown query parameter; only ids is accepted");
                return -1;
            }
            saw_ids = 1;
            if (eq == NULL || percent_decode(eq + 1, end, value, sizeof value) != 0) {
                snprintf(err, err_size, "ids: expected at most %d comma-separated video ids", WL_CONTAINS_MAX);
                return -1;
            }
            char *cursor = value;
            for (;;) {
                char *comma = strchr(cursor, ',');
                if (comma) *comma = '\0';
                if (wl_id_list_add(out, cursor, err, err_size) != 0) return -1;
                if (!comma) break;
                cursor = comma + 1;
            }
        }
        p = amp ? amp + 1 : end;
    }
    if (!saw_ids || out->count == 0) {
        snprintf(err, err_size, "ids is required: 1 to %d comma-separated video ids", WL_CONTAINS_MAX);
        return -1;
    }
    return 0;
}

/* ---- JSON ------------------------------------------------------------------ */

size_t wl_json_string(const char *text, char *out, size_t out_size) {
    size_t o = 0;
#define PUT(ch) do { if (o + 1 < out_size) out[o] = (ch); o++; } while (0)
    PUT('"');
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        unsigned char c = *p;
        if (c == '"' || c == '\\') {
            PUT('\\');
            PUT((char)c);
        } else if (c < 0x20 || c == 0x7f) {
            static const char hex[] = "0123456789abcdef";
            PUT('\\'); PUT('u'); PUT('0'); PUT('0');
            PUT(hex[c >> 4]);
            PUT(hex[c & 15]);
        } else {
            PUT((char)c);
        }
    }
    PUT('"');
#undef PUT
    if (out_size > 0) out[o < out_size ? o : out_size - 1] = '\0';
    return o;
}

/* ---- migrations ---------------------------------------------------------------- */

const wl_migration wl_migrations[] = {
    {1, "watchlist entries: a set of video ids per user, in the order added",
     "CREATE TABLE entries (\n"
     "    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n"
     "    user_id uuid NOT NULL,\n"
     "    video_id uuid NOT NULL,\n"
     "    added_at timestamptz NOT NULL DEFAULT clock_timestamp(),\n"
     "    UNIQUE (user_id, video_id)\n"
     ");\n"
     "-- a user's list, most recently added first (keyset pagination on seq)\n"
     "CREATE INDEX entries_user_seq ON entries (user_id, seq DESC);\n"
     "-- video.deleted removes a video from every list\n"
     "CREATE INDEX entries_video ON entries (video_id);\n"},
};
const size_t wl_migration_count = sizeof wl_migrations / sizeof wl_migrations[0];

int wl_migrations_check(const wl_migration *list, size_t count, char *err, size_t err_size) {
    for (size_t i = 0; i < count; i++) {
        if (list[i].version != (int)i + 1) {
            snprintf(err, err_size, "migration %zu has version %d, expected %zu", i, list[i].version, i + 1);
            return -1;
        }
        if (list[i].sql == NULL || list[i].sql[0] == '\0' || list[i].name == NULL || list[i].name[0] == '\0') {
            snprintf(err, err_size, "migration %d has no name or no SQL", list[i].version);
            return -1;
        }
    }
    return 0;
}

int64_t wl_fnv1a64(const char *text) {
    uint64_t hash = 0xcbf29ce484222325ull;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) hash = (hash ^ *p) * 0x100000001b3ull;
    return (int64_t)hash;
}
