/* The database side of every job, on a worker thread with its own libpq
 * connection. SQL text is constant: every value goes in as a parameter. */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reel/video/v1/video.pb-c.h"
#include "reel/watchlist/v1/watchlist.pb-c.h"
#include "watchlist.h"

/* ---- connections ------------------------------------------------------------ */

void *wl_db_conn(wl_worker *w) {
    PGconn *conn = w->conn;
    if (conn != NULL && PQstatus(conn) == CONNECTION_OK) return conn;
    if (conn != NULL) PQfinish(conn); /* broken: start over */
    const char *keys[] = {"dbname", "application_name", NULL};
    const char *values[] = {w->s->database_url, "reel-watchlist", NULL};
    conn = PQconnectdbParams(keys, values, 1);
    if (conn == NULL || PQstatus(conn) != CONNECTION_OK) {
        wl_log(w->s, REEL_LOG_ERROR, "worker %d cannot connect to PostgreSQL: %s", w->index,
               conn ? PQerrorMessage(conn) : "out of memory");
        if (conn) PQfinish(conn);
        w->conn = NULL;
        return NULL;
    }
    w->conn = conn;
    return conn;
}

void wl_db_close(wl_worker *w) {
    if (w->conn) PQfinish(w->conn);
    w->conn = NULL;
}

/* Runs one statement; NULL (logged, the transaction rolled back if one was
 * open) unless it returned `expect`. */
static PGresult *run(wl_worker *w, const char *sql, int n, const char *const *params, ExecStatusType expect) {
    PGconn *conn = wl_db_conn(w);
    if (conn == NULL) return NULL;
    PGresult *r = PQexecParams(conn, sql, n, NULL, params, NULL, NULL, 0);
    if (r != NULL && PQresultStatus(r) == expect) return r;
    wl_log(w->s, REEL_LOG_ERROR, "SQL failed: %s", r ? PQresultErrorMessage(r) : PQerrorMessage(conn));
    PQclear(r);
    if (PQtransactionStatus(conn) == PQTRANS_INERROR || PQtransactionStatus(conn) == PQTRANS_INTRANS) {
        PGresult *rb = PQexec(conn, "ROLLBACK");
        PQclear(rb);
    }
    return NULL;
}

static int exec_ok(wl_worker *w, const char *sql, int n, const char *const *params) {
    PGresult *r = run(w, sql, n, params, PGRES_COMMAND_OK);
    if (r == NULL) return -1;
    PQclear(r);
    return 0;
}

/* ---- migrations (mirrors Sources/ReelPostgres/Migrator.swift) --------------- */

/* One transaction: lock, create the bookkeeping, check the history, apply
 * the first pending migration. 1 = applied one, 0 = none pending, -1 = error. */
static int apply_next(wl_worker *w) {
    char lock_key[32];
    snprintf(lock_key, sizeof lock_key, "%lld", (long long)wl_fnv1a64("reel.migrations." WL_SCHEMA));
    const char *lock_params[] = {lock_key};
    if (exec_ok(w, "BEGIN", 0, NULL) != 0) return -1;
    PGresult *r = run(w, "SELECT pg_advisory_xact_lock($1::bigint)", 1, lock_params, PGRES_TUPLES_OK);
    if (r == NULL) return -1;
    PQclear(r);
    if (exec_ok(w, "CREATE SCHEMA IF NOT EXISTS " WL_SCHEMA, 0, NULL) != 0 ||
        exec_ok(w, "CREATE TABLE IF NOT EXISTS " WL_SCHEMA ".schema_migrations (\n"
                   "    version int PRIMARY KEY,\n"
                   "    name text NOT NULL,\n"
                   "    checksum text NOT NULL,\n"
                   "    applied_at timestamptz NOT NULL DEFAULT now()\n"
                   ")", 0, NULL) != 0)
        return -1;
    r = run(w, "SELECT version, checksum FROM " WL_SCHEMA ".schema_migrations ORDER BY version", 0, NULL,
            PGRES_TUPLES_OK);
    if (r == NULL) return -1;
    int applied = PQntuples(r);
    for (int i = 0; i < applied; i++) {
        int version = atoi(PQgetvalue(r, i, 0));
        if (version < 1 || (size_t)version > wl_migration_count) {
            wl_log(w->s, REEL_LOG_ERROR, "schema " WL_SCHEMA " has migration %d, which this build does not know",
                   version);
            goto fail;
        }
        const char *sum_params[] = {wl_migrations[version - 1].sql};
        PGresult *sum = run(w, "SELECT encode(sha256(convert_to($1, 'UTF8')), 'hex')", 1, sum_params,
                            PGRES_TUPLES_OK);
        if (sum == NULL) goto fail_cleared;
        int same = strcmp(PQgetvalue(sum, 0, 0), PQgetvalue(r, i, 1)) == 0;
        PQclear(sum);
        if (!same || version != i + 1) {
            wl_log(w->s, REEL_LOG_ERROR, "migration %d of schema " WL_SCHEMA " changed after it was applied",
                   version);
            goto fail;
        }
    }
    PQclear(r);
    if ((size_t)applied >= wl_migration_count) {
        PGresult *c = PQexec(w->conn, "COMMIT");
        PQclear(c);
        return 0;
    }
    const wl_migration *next = &wl_migrations[applied];
    if (exec_ok(w, "SET LOCAL search_path TO " WL_SCHEMA, 0, NULL) != 0) return -1;
    r = PQexec(w->conn, next->sql); /* constant SQL of this file, several statements */
    if (r == NULL || PQresultStatus(r) != PGRES_COMMAND_OK) {
        wl_log(w->s, REEL_LOG_ERROR, "migration %d (%s) failed: %s", next->version, next->name,
               r ? PQresultErrorMessage(r) : PQerrorMessage(w->conn));
        PQclear(r);
        PGresult *rb = PQexec(w->conn, "ROLLBACK");
        PQclear(rb);
        return -1;
    }
    PQclear(r);
    char version[16];
    snprintf(version, sizeof version, "%d", next->version);
    const char *insert[] = {version, next->name, next->sql};
    if (exec_ok(w, "INSERT INTO " WL_SCHEMA ".schema_migrations (version, name, checksum, applied_at) "
                   "VALUES ($1::int, $2, encode(sha256(convert_to($3, 'UTF8')), 'hex'), now())",
                3, insert) != 0)
        return -1;
    if (exec_ok(w, "COMMIT", 0, NULL) != 0) return -1;
    wl_log(w->s, REEL_LOG_INFO, "applied migration %d of schema " WL_SCHEMA ": %s", next->version, next->name);
    return 1;

fail:
    PQclear(r);
fail_cleared:
    if (w->conn) {
        PGresult *rb = PQexec(w->conn, "ROLLBACK");
        PQclear(rb);
    }
    return -1;
}

int wl_db_migrate(wl_worker *w) {
    char err[256];
    if (wl_migrations_check(wl_migrations, wl_migration_count, err, sizeof err) != 0) {
        wl_log(w->s, REEL_LOG_ERROR, "bad migrations list: %s", err);
        return -1;
    }
    if (wl_db_conn(w) == NULL) return -1;
    int rc;
    while ((rc = apply_next(w)) == 1) {}
    return rc;
}

/* ---- the video plugin's cards ----------------------------------------------- */

/* The cards of `ids` that `job`'s caller may see, in the order asked; NULL
 * with *status set when the video plugin did not answer. */
static Reel__Video__V1__BatchGetVideosResponse *batch_get(wl_worker *w, const wl_job *job, char **ids, size_t n,
                                                          int32_t *status) {
    Reel__Video__V1__BatchGetVideosRequest in = REEL__VIDEO__V1__BATCH_GET_VIDEOS_REQUEST__INIT;
    in.n_ids = n;
    in.ids = ids;
    in.viewer_id = (char *)job->user_id;
    in.viewer_role = (char *)job->role;
    size_t len = protobuf_c_message_get_packed_size(&in.base);
    uint8_t *buf = malloc(len ? len : 1);
    if (buf == NULL) {
        *status = REEL_INTERNAL;
        return NULL;
    }
    protobuf_c_message_pack(&in.base, buf);
    *status = wl_bus_call(w, WL_BATCH_METHOD, buf, len);
    free(buf);
    if (*status != REEL_OK) {
        wl_log(w->s, REEL_LOG_WARN, "%s answered %d: %s", WL_BATCH_METHOD, *status, w->bus_message);
        return NULL;
    }
    static const uint8_t empty[1];
    Reel__Video__V1__BatchGetVideosResponse *out = reel__video__v1__batch_get_videos_response__unpack(
        NULL, w->bus_payload_len, w->bus_payload_len ? w->bus_payload : empty);
    wl_bus_release(w);
    if (out == NULL) *status = REEL_INTERNAL;
    return out;
}

static void reply_unavailable(wl_worker *w, wl_job *job, int32_t status) {
    if (status == REEL_INTERNAL)
        wl_reply_error(w->s, job, REEL_INTERNAL, "internal error");
    else
        wl_reply_error(w->s, job, REEL_UNAVAILABLE, "the video service is not available; try again");
}

/* ---- the jobs ------------------------------------------------------------------ */

static void run_add(wl_worker *w, wl_job *job) {
    char *ids[] = {job->video_id};
    int32_t status;
    Reel__Video__V1__BatchGetVideosResponse *cards = batch_get(w, job, ids, 1, &status);
    if (cards == NULL) return reply_unavailable(w, job, status);
    int visible = cards->n_videos == 1;
    reel__video__v1__batch_get_videos_response__free_unpacked(cards, NULL);
    if (!visible) {
        char message[96];
        snprintf(message, sizeof message, "no video with id %s", job->video_id);
        return wl_reply_error(w->s, job, REEL_NOT_FOUND, message);
    }

    /* Under a per-user lock, so two adds at once cannot pass the cap together. */
    char cap[24];
    snprintf(cap, sizeof cap, "%lld", (long long)w->s->max_entries);
    const char *params[] = {job->user_id, job->video_id, cap};
    if (exec_ok(w, "BEGIN", 0, NULL) != 0) goto db_error;
    PGresult *r = run(w, "SELECT pg_advisory_xact_lock(hashtextextended('reel.watchlist.' || $1, 0))", 1, params,
                      PGRES_TUPLES_OK);
    if (r == NULL) goto db_error;
    PQclear(r);
    r = run(w,
            "INSERT INTO " WL_SCHEMA ".entries (user_id, video_id) "
            "SELECT $1::uuid, $2::uuid "
            "WHERE NOT EXISTS (SELECT 1 FROM " WL_SCHEMA ".entries WHERE user_id = $1::uuid AND video_id = $2::uuid) "
            "  AND (SELECT count(*) FROM " WL_SCHEMA ".entries WHERE user_id = $1::uuid) < $3::bigint "
            "RETURNING seq",
            3, params, PGRES_TUPLES_OK);
    if (r == NULL) goto db_error;
    int inserted = PQntuples(r) == 1;
    PQclear(r);
    int present = inserted;
    if (!inserted) {
        r = run(w, "SELECT 1 FROM " WL_SCHEMA ".entries WHERE user_id = $1::uuid AND video_id = $2::uuid", 2, params,
                PGRES_TUPLES_OK);
        if (r == NULL) goto db_error;
        present = PQntuples(r) == 1;
        PQclear(r);
    }
    if (exec_ok(w, "COMMIT", 0, NULL) != 0) goto db_error;
    if (inserted) reel_metric_add(w->s->api, w->s->changes, REEL_LABEL_VALUES("added"), 1);
    if (!present) {
        char message[128];
        snprintf(message, sizeof message, "the watchlist is full: at most %lld videos; remove some first",
                 (long long)w->s->max_entries);
        return wl_reply_error(w->s, job, REEL_RESOURCE_EXHAUSTED, message);
    }
    Reel__Watchlist__V1__AddToWatchlistResponse out = REEL__WATCHLIST__V1__ADD_TO_WATCHLIST_RESPONSE__INIT;
    return wl_reply_message(w->s, job->reply, &out.base);

db_error:
    wl_reply_error(w->s, job, REEL_UNAVAILABLE, "the watchlist database is not available; try again");
}

static void run_remove(wl_worker *w, wl_job *job) {
    const char *params[] = {job->user_id, job->video_id};
    PGresult *r = run(w, "DELETE FROM " WL_SCHEMA ".entries WHERE user_id = $1::uuid AND video_id = $2::uuid", 2,
                      params, PGRES_COMMAND_OK);
    if (r == NULL)
        return wl_reply_error(w->s, job, REEL_UNAVAILABLE, "the watchlist database is not available; try again");
    const char *n = PQcmdTuples(r);
    if (n[0] && strcmp(n, "0") != 0) reel_metric_add(w->s->api, w->s->changes, REEL_LABEL_VALUES("removed"), 1);
    PQclear(r);
    Reel__Watchlist__V1__RemoveFromWatchlistResponse out = REEL__WATCHLIST__V1__REMOVE_FROM_WATCHLIST_RESPONSE__INIT;
    wl_reply_message(w->s, job->reply, &out.base);
}

static void run_video_deleted(wl_worker *w, wl_job *job) {
    const char *params[] = {job->video_id};
    PGresult *r = run(w, "DELETE FROM " WL_SCHEMA ".entries WHERE video_id = $1::uuid", 1, params, PGRES_COMMAND_OK);
    if (r == NULL) {
        wl_log(w->s, REEL_LOG_ERROR, "could not remove deleted video %s from the watchlists", job->video_id);
        return;
    }
    const char *n = PQcmdTuples(r);
    if (n[0] && strcmp(n, "0") != 0)
        wl_log(w->s, REEL_LOG_INFO, "removed deleted video %s from %s watchlists", job->video_id, n);
    PQclear(r);
}

/* The list: pages of entries, filtered through the video plugin, until a
 * page of `limit` visible items (+1 to know there is more) or the end. */
typedef struct collected {
    int64_t seq;
    char added_at[40];
    Reel__Video__V1__Video *video; /* borrowed from one of `answers` */
} collected;

static void run_list(wl_worker *w, wl_job *job) {
    size_t want = (size_t)job->limit + 1;
    collected *items = calloc(want, sizeof *items);
    size_t n_answers = 0, cap_answers = 8;
    Reel__Video__V1__BatchGetVideosResponse **answers = calloc(cap_answers, sizeof *answers);
    Reel__Watchlist__V1__WatchlistItem *out_items = NULL;
    Reel__Watchlist__V1__WatchlistItem **out_ptrs = NULL;
    size_t have = 0;
    int64_t after = job->after > 0 ? job->after : INT64_MAX;
    if (items == NULL || answers == NULL) {
        wl_reply_error(w->s, job, REEL_INTERNAL, "out of memory");
        goto done;
    }
    for (;;) {
        char after_text[24], chunk_text[24];
        /* At least a few dozen rows a round: hidden entries cost no extra bus call each. */
        size_t chunk = want - have < 64 ? 64 : want - have;
        snprintf(after_text, sizeof after_text, "%lld", (long long)after);
        snprintf(chunk_text, sizeof chunk_text, "%zu", chunk);
        const char *params[] = {job->user_id, after_text, chunk_text};
        PGresult *r = run(w,
                          "SELECT seq, video_id::text, "
                          "  to_char(added_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') "
                          "FROM " WL_SCHEMA ".entries WHERE user_id = $1::uuid AND seq < $2::bigint "
                          "ORDER BY seq DESC LIMIT $3::int",
                          3, params, PGRES_TUPLES_OK);
        if (r == NULL) {
            wl_reply_error(w->s, job, REEL_UNAVAILABLE, "the watchlist database is not available; try again");
            goto done;
        }
        size_t rows = (size_t)PQntuples(r);
        if (rows == 0) {
            PQclear(r);
            break;
        }
        char **ids = calloc(rows, sizeof *ids);
        if (ids == NULL) {
            PQclear(r);
            wl_reply_error(w->s, job, REEL_INTERNAL, "out of memory");
            goto done;
        }
        for (size_t i = 0; i < rows; i++) ids[i] = PQgetvalue(r, (int)i, 1);
        int32_t status;
        Reel__Video__V1__BatchGetVideosResponse *cards = batch_get(w, job, ids, rows, &status);
        free(ids);
        if (cards == NULL) {
            PQclear(r);
            reply_unavailable(w, job, status);
            goto done;
        }
        if (n_answers == cap_answers) {
            Reel__Video__V1__BatchGetVideosResponse **grown = realloc(answers, 2 * cap_answers * sizeof *answers);
            if (grown == NULL) {
                reel__video__v1__batch_get_videos_response__free_unpacked(cards, NULL);
                PQclear(r);
                wl_reply_error(w->s, job, REEL_INTERNAL, "out of memory");
                goto done;
            }
            answers = grown;
            cap_answers *= 2;
        }
        answers[n_answers++] = cards;
        /* The answer holds the visible ones in the order asked: walk both. */
        size_t next_card = 0;
        for (size_t i = 0; i < rows && have < want; i++) {
            const char *id = PQgetvalue(r, (int)i, 1);
            if (next_card < cards->n_videos && cards->videos[next_card]->id != NULL &&
                strcmp(cards->videos[next_card]->id, id) == 0) {
                collected *c = &items[have++];
                c->seq = strtoll(PQgetvalue(r, (int)i, 0), NULL, 10);
                snprintf(c->added_at, sizeof c->added_at, "%s", PQgetvalue(r, (int)i, 2));
                c->video = cards->videos[next_card++];
            }
        }
        after = strtoll(PQgetvalue(r, (int)rows - 1, 0), NULL, 10);
        PQclear(r);
        if (have >= want || rows < chunk) break;
    }

    size_t shown = have > (size_t)job->limit ? (size_t)job->limit : have;
    char cursor[WL_CURSOR_MAX];
    Reel__Watchlist__V1__WatchlistPage page = REEL__WATCHLIST__V1__WATCHLIST_PAGE__INIT;
    if (have > shown) {
        wl_cursor_encode(items[shown - 1].seq, cursor);
        page.next_cursor = cursor;
    }
    out_items = calloc(shown ? shown : 1, sizeof *out_items);
    out_ptrs = calloc(shown ? shown : 1, sizeof *out_ptrs);
    if (out_items == NULL || out_ptrs == NULL) {
        wl_reply_error(w->s, job, REEL_INTERNAL, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < shown; i++) {
        reel__watchlist__v1__watchlist_item__init(&out_items[i]);
        out_items[i].added_at = items[i].added_at;
        out_items[i].video = items[i].video;
        out_ptrs[i] = &out_items[i];
    }
    page.n_items = shown;
    page.items = shown ? out_ptrs : NULL;
    wl_reply_message(w->s, job->reply, &page.base);

done:
    free(out_items);
    free(out_ptrs);
    for (size_t i = 0; i < n_answers; i++) reel__video__v1__batch_get_videos_response__free_unpacked(answers[i], NULL);
    free(answers);
    free(items);
}

/* Which of job->ids are in the caller's list: found[i] for ids[i]. */
static int lookup_contains(wl_worker *w, const wl_job *job, int found[WL_CONTAINS_MAX]) {
    char array[WL_CONTAINS_MAX * (WL_UUID_LEN + 1) + 3];
    size_t o = 0;
    array[o++] = '{';
    for (size_t i = 0; i < job->ids.count; i++) {
        if (i) array[o++] = ',';
        memcpy(array + o, job->ids.ids[i], WL_UUID_LEN);
        o += WL_UUID_LEN;
    }
    array[o++] = '}';
    array[o] = '\0';
    const char *params[] = {job->user_id, array};
    PGresult *r = run(w, "SELECT video_id::text FROM " WL_SCHEMA ".entries "
                         "WHERE user_id = $1::uuid AND video_id = ANY($2::uuid[])",
                      2, params, PGRES_TUPLES_OK);
    if (r == NULL) return -1;
    for (size_t i = 0; i < job->ids.count; i++) {
        found[i] = 0;
        for (int k = 0; k < PQntuples(r); k++)
            if (strcmp(PQgetvalue(r, k, 0), job->ids.ids[i]) == 0) found[i] = 1;
    }
    PQclear(r);
    return 0;
}

static void run_contains(wl_worker *w, wl_job *job) {
    int found[WL_CONTAINS_MAX];
    if (lookup_contains(w, job, found) != 0)
        return wl_reply_error(w->s, job, REEL_UNAVAILABLE, "the watchlist database is not available; try again");
    Reel__Watchlist__V1__WatchlistContainsResponse__ContainsEntry entries[WL_CONTAINS_MAX];
    Reel__Watchlist__V1__WatchlistContainsResponse__ContainsEntry *ptrs[WL_CONTAINS_MAX];
    for (size_t i = 0; i < job->ids.count; i++) {
        reel__watchlist__v1__watchlist_contains_response__contains_entry__init(&entries[i]);
        entries[i].key = job->ids.keys[i];
        entries[i].has_value = 1;
        entries[i].value = found[i];
        ptrs[i] = &entries[i];
    }
    Reel__Watchlist__V1__WatchlistContainsResponse out = REEL__WATCHLIST__V1__WATCHLIST_CONTAINS_RESPONSE__INIT;
    out.n_contains = job->ids.count;
    out.contains = job->ids.count ? ptrs : NULL;
    wl_reply_message(w->s, job->reply, &out.base);
}

static void run_contains_http(wl_worker *w, wl_job *job) {
    int found[WL_CONTAINS_MAX];
    if (lookup_contains(w, job, found) != 0)
        return wl_reply_error(w->s, job, REEL_UNAVAILABLE, "the watchlist database is not available; try again");
    /* Keys are ids checked to be 36 hex digits and dashes: nothing to escape. */
    char json[WL_CONTAINS_MAX * (WL_UUID_LEN + 10) + 3];
    size_t o = 0;
    json[o++] = '{';
    for (size_t i = 0; i < job->ids.count; i++)
        o += (size_t)snprintf(json + o, sizeof json - o, "%s\"%s\":%s", i ? "," : "", job->ids.keys[i],
                              found[i] ? "true" : "false");
    json[o++] = '}';
    wl_http_reply_json(w->s, job->exchange, 200, json, o);
}

void wl_run_job(wl_worker *w, wl_job *job) {
    switch (job->kind) {
    case WL_JOB_ADD: run_add(w, job); return;
    case WL_JOB_REMOVE: run_remove(w, job); return;
    case WL_JOB_LIST: run_list(w, job); return;
    case WL_JOB_CONTAINS: run_contains(w, job); return;
    case WL_JOB_CONTAINS_HTTP: run_contains_http(w, job); return;
    case WL_JOB_VIDEO_DELETED: run_video_deleted(w, job); return;
    case WL_JOB_MIGRATE: {
        int result = wl_db_migrate(w) == 0 ? 1 : -1;
        pthread_mutex_lock(&w->s->lock);
        w->s->migrated = result;
        pthread_cond_broadcast(&w->s->migrate_done);
        pthread_mutex_unlock(&w->s->lock);
        return;
    }
    }
}
