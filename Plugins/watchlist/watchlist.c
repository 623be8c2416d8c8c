/*
 * watchlist — "My List": a set of video ids per signed-in user, in plain C
 * against reel_plugin.h, with libpq and protobuf-c.
 *
 *   reel.watchlist.v1.WatchlistService/AddToWatchlist       PUT    /api/v1/me/watchlist/{videoId}  204
 *   reel.watchlist.v1.WatchlistService/RemoveFromWatchlist  DELETE /api/v1/me/watchlist/{videoId}  204
 *   reel.watchlist.v1.WatchlistService/ListWatchlist        GET    /api/v1/me/watchlist?cursor&limit
 *   reel.watchlist.v1.WatchlistService/WatchlistContains    /rpc and bus; the web's
 *                                                           GET /api/v1/me/watchlist/contains?ids=
 *                                                           is a raw route (wl_http.c)
 *   subscribes to "video.deleted" (reel.video.v1.VideoDeleted): the video
 *   leaves every list.
 *
 * Threads: see watchlist.h. The host's threads only check input and queue
 * jobs; the workers talk to PostgreSQL and the bus, and reply.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reel/video/v1/events.pb-c.h"
#include "reel/watchlist/v1/watchlist.pb-c.h"
#include "watchlist.h"

/* ---- Magic: the ABI check the host runs before any other code ---------- */
REEL_PLUGIN_MAGIC_DEFINE

enum { METHOD_ADD, METHOD_REMOVE, METHOD_LIST, METHOD_CONTAINS, METHOD_COUNT };

/* ---- replies ------------------------------------------------------------------ */

void wl_reply_message(const wl_state *s, reel_reply *reply, const ProtobufCMessage *msg) {
    size_t len = protobuf_c_message_get_packed_size(msg);
    uint8_t *buf = malloc(len ? len : 1);
    if (buf == NULL) {
        s->api->reply(reply, REEL_INTERNAL, "out of memory", NULL, 0);
        return;
    }
    protobuf_c_message_pack(msg, buf);
    s->api->reply(reply, REEL_OK, NULL, buf, len);
    free(buf);
}

void wl_reply_error(const wl_state *s, wl_job *job, int32_t status, const char *message) {
    if (job->exchange) wl_http_reply_error(s, job->exchange, status, message);
    else if (job->reply) s->api->reply(job->reply, status, message, NULL, 0);
}

/* ---- input -------------------------------------------------------------------- */

static ProtobufCMessage *unpack_input(const ProtobufCMessageDescriptor *d, const reel_request *request) {
    static const uint8_t empty[1];
    return protobuf_c_message_unpack(d, NULL, request->payload_len, request->payload ? request->payload : empty);
}

/* A job for the caller of `request`, or NULL after replying. */
static wl_job *new_job(wl_state *s, const reel_request *request, reel_reply *reply, wl_job_kind kind) {
    char user[WL_UUID_LEN + 1];
    if (wl_uuid_canonical(request->caller_user_id, user) != 0) {
        s->api->reply(reply, REEL_UNAUTHENTICATED, "sign in first", NULL, 0);
        return NULL;
    }
    wl_job *job = calloc(1, sizeof *job);
    if (job == NULL) {
        s->api->reply(reply, REEL_INTERNAL, "out of memory", NULL, 0);
        return NULL;
    }
    job->kind = kind;
    job->reply = reply;
    memcpy(job->user_id, user, sizeof user);
    snprintf(job->role, sizeof job->role, "%s", request->caller_role);
    return job;
}

/* Checks a video id; replies invalid_argument when it is not one. */
static int video_id(wl_state *s, reel_reply *reply, const char *text, char out[WL_UUID_LEN + 1]) {
    if (text == NULL || text[0] == '\0') {
        s->api->reply(reply, REEL_INVALID_ARGUMENT, "videoId is required", NULL, 0);
        return -1;
    }
    if (wl_uuid_canonical(text, out) != 0) {
        char quoted[96], message[160];
        if (wl_json_string(text, quoted, sizeof quoted) >= sizeof quoted)
            snprintf(quoted, sizeof quoted, "(%zu bytes)", strlen(text));
        snprintf(message, sizeof message, "videoId: %s is not a video id", quoted);
        s->api->reply(reply, REEL_INVALID_ARGUMENT, message, NULL, 0);
        return -1;
    }
    return 0;
}

static void handle_add_remove(wl_state *s, const reel_request *request, reel_reply *reply, int add) {
    const ProtobufCMessageDescriptor *d = add ? &reel__watchlist__v1__add_to_watchlist_request__descriptor
                                              : &reel__watchlist__v1__remove_from_watchlist_request__descriptor;
    ProtobufCMessage *in = unpack_input(d, request);
    if (in == NULL) {
        s->api->reply(reply, REEL_INVALID_ARGUMENT, "malformed request", NULL, 0);
        return;
    }
    /* Both messages have the same single field. */
    const char *text = add ? ((Reel__Watchlist__V1__AddToWatchlistRequest *)in)->video_id
                           : ((Reel__Watchlist__V1__RemoveFromWatchlistRequest *)in)->video_id;
    char id[WL_UUID_LEN + 1];
    int ok = video_id(s, reply, text, id) == 0;
    protobuf_c_message_free_unpacked(in, NULL);
    if (!ok) return;
    wl_job *job = new_job(s, request, reply, add ? WL_JOB_ADD : WL_JOB_REMOVE);
    if (job == NULL) return;
    memcpy(job->video_id, id, sizeof id);
    wl_pool_submit(s, job);
}

static void handle_list(wl_state *s, const reel_request *request, reel_reply *reply) {
    Reel__Watchlist__V1__ListWatchlistRequest *in = (Reel__Watchlist__V1__ListWatchlistRequest *)unpack_input(
        &reel__watchlist__v1__list_watchlist_request__descriptor, request);
    if (in == NULL) {
        s->api->reply(reply, REEL_INVALID_ARGUMENT, "malformed ListWatchlistRequest", NULL, 0);
        return;
    }
    int32_t limit = WL_DEFAULT_LIMIT;
    int64_t after = 0;
    const char *problem = NULL;
    if (in->has_limit) {
        if (in->limit < 1 || in->limit > WL_MAX_LIMIT) problem = "limit must be between 1 and 100";
        limit = in->limit;
    }
    if (problem == NULL && in->cursor != NULL && in->cursor[0] != '\0' && wl_cursor_decode(in->cursor, &after) != 0)
        problem = "cursor is not a cursor of this list (use nextCursor as given)";
    protobuf_c_message_free_unpacked(&in->base, NULL);
    if (problem) {
        s->api->reply(reply, REEL_INVALID_ARGUMENT, problem, NULL, 0);
        return;
    }
    wl_job *job = new_job(s, request, reply, WL_JOB_LIST);
    if (job == NULL) return;
    job->limit = limit;
    job->after = after;
    wl_pool_submit(s, job);
}

static void handle_contains(wl_state *s, const reel_request *request, reel_reply *reply) {
    Reel__Watchlist__V1__WatchlistContainsRequest *in = (Reel__Watchlist__V1__WatchlistContainsRequest *)unpack_input(
        &reel__watchlist__v1__watchlist_contains_request__descriptor, request);
    if (in == NULL) {
        s->api->reply(reply, REEL_INVALID_ARGUMENT, "malformed WatchlistContainsRequest", NULL, 0);
        return;
    }
    wl_job *job = new_job(s, request, reply, WL_JOB_CONTAINS);
    if (job == NULL) {
        protobuf_c_message_free_unpacked(&in->base, NULL);
        return;
    }
    char err[192] = "ids is required: 1 to 100 video ids";
    int ok = in->n_ids > 0;
    for (size_t i = 0; ok && i < in->n_ids; i++) ok = wl_id_list_add(&job->ids, in->ids[i], err, sizeof err) == 0;
    protobuf_c_message_free_unpacked(&in->base, NULL);
    if (!ok) {
        s->api->reply(reply, REEL_INVALID_ARGUMENT, err, NULL, 0);
        free(job);
        return;
    }
    wl_pool_submit(s, job);
}

/* ---- plugin hooks ---------------------------------------------------------------- */

static int64_t config_int(reel_host *host, const reel_host_api *api, const char *key, int64_t fallback, int64_t min,
                          int64_t max) {
    const char *text = api->config_get(host, key);
    if (text == NULL || text[0] == '\0') return fallback;
    char *end = NULL;
    long long value = strtoll(text, &end, 10);
    if (*end != '\0' || value < min || value > max) {
        char line[256];
        snprintf(line, sizeof line, "%s=%s is not a number from %lld to %lld; using %lld", key, text,
                 (long long)min, (long long)max, (long long)fallback);
        api->log(host, REEL_LOG_WARN, line);
        return fallback;
    }
    return value;
}

static int32_t wl_init(reel_host *host, const reel_host_api *api, void **state) {
    /* Uses the 1.2 HTTP route functions. */
    if (api == NULL || state == NULL || api->abi_minor < 2 ||
        api->struct_size < offsetof(reel_host_api, http_reply) + sizeof api->http_reply ||
        api->log == NULL || api->config_get == NULL || api->reply == NULL || api->bus_call == NULL ||
        api->http_reply == NULL)
        return 1;
    const char *url = api->config_get(host, "REEL_DATABASE_URL");
    if (url == NULL || url[0] == '\0') {
        api->log(host, REEL_LOG_ERROR, WL_NAME " needs REEL_DATABASE_URL");
        return 1;
    }
    wl_state *s = calloc(1, sizeof *s);
    if (s == NULL) return 1;
    if (strlen(url) >= sizeof s->database_url) {
        api->log(host, REEL_LOG_ERROR, "REEL_DATABASE_URL is too long");
        free(s);
        return 1;
    }
    memcpy(s->database_url, url, strlen(url) + 1);
    s->host = host;
    s->api = api;
    s->max_entries = config_int(host, api, "REEL_WATCHLIST_MAX_ENTRIES", WL_DEFAULT_MAX_ENTRIES, 1, 1000000);
    s->worker_count = (int)config_int(host, api, "REEL_WATCHLIST_WORKERS", 2, 1, WL_MAX_WORKERS);
    s->changes = reel_metric_register(host, api, REEL_METRIC_COUNTER, "reel_watchlist_changes_total",
                                      "Watchlist entries added and removed by their users", REEL_LABELS("change"),
                                      NULL, 0);
    if (pthread_mutex_init(&s->lock, NULL) != 0) {
        free(s);
        return 1;
    }
    if (pthread_cond_init(&s->wake, NULL) != 0) {
        pthread_mutex_destroy(&s->lock);
        free(s);
        return 1;
    }
    if (pthread_cond_init(&s->migrate_done, NULL) != 0) {
        pthread_cond_destroy(&s->wake);
        pthread_mutex_destroy(&s->lock);
        free(s);
        return 1;
    }
    /* The schema first, migrated by a worker (never on this host thread);
     * no call can arrive before init returns, so it is the only job. */
    int ok = wl_pool_start(s) == 0;
    wl_job *migrate = ok ? calloc(1, sizeof *migrate) : NULL;
    if (migrate != NULL) {
        migrate->kind = WL_JOB_MIGRATE;
        migrate->s = s;
        wl_pool_submit(s, migrate);
        pthread_mutex_lock(&s->lock);
        while (s->migrated == 0) pthread_cond_wait(&s->migrate_done, &s->lock);
        ok = s->migrated == 1;
        pthread_mutex_unlock(&s->lock);
    } else {
        ok = 0;
    }
    if (!ok) {
        wl_log(s, REEL_LOG_ERROR, WL_NAME " " WL_VERSION " not started: %s",
               s->started ? "the schema could not be migrated" : "no worker threads");
        wl_pool_stop(s);
        pthread_cond_destroy(&s->migrate_done);
        pthread_cond_destroy(&s->wake);
        pthread_mutex_destroy(&s->lock);
        free(s);
        return 1;
    }
    wl_log(s, REEL_LOG_INFO, WL_NAME " " WL_VERSION " ready (%d workers, at most %lld entries per list)",
           s->worker_count, (long long)s->max_entries);
    *state = s;
    return 0;
}

static void wl_shutdown(void *state) {
    wl_state *s = state;
    if (s == NULL) return;
    wl_pool_stop(s); /* finishes queued event jobs, joins, closes connections */
    pthread_cond_destroy(&s->migrate_done);
    pthread_cond_destroy(&s->wake);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

static void wl_handle(void *state, const reel_request *request, reel_reply *reply) {
    wl_state *s = state;
    switch (request->method_index) {
    case METHOD_ADD: handle_add_remove(s, request, reply, 1); return;
    case METHOD_REMOVE: handle_add_remove(s, request, reply, 0); return;
    case METHOD_LIST: handle_list(s, request, reply); return;
    case METHOD_CONTAINS: handle_contains(s, request, reply); return;
    default: s->api->reply(reply, REEL_UNIMPLEMENTED, "unknown method", NULL, 0); return;
    }
}

static void wl_on_event(void *state, const char *topic, const uint8_t *payload, size_t payload_len) {
    wl_state *s = state;
    if (topic == NULL || strcmp(topic, WL_DELETED_TOPIC) != 0) return;
    static const uint8_t empty[1];
    Reel__Video__V1__VideoDeleted *ev =
        reel__video__v1__video_deleted__unpack(NULL, payload_len, payload ? payload : empty);
    char id[WL_UUID_LEN + 1];
    int ok = ev != NULL && wl_uuid_canonical(ev->video_id, id) == 0;
    if (ev) reel__video__v1__video_deleted__free_unpacked(ev, NULL);
    if (!ok) {
        wl_log(s, REEL_LOG_WARN, "ignored a malformed " WL_DELETED_TOPIC " event (%zu bytes)", payload_len);
        return;
    }
    wl_job *job = calloc(1, sizeof *job);
    if (job == NULL) {
        wl_log(s, REEL_LOG_ERROR, "out of memory: video %s stays in the watchlists", id);
        return;
    }
    job->kind = WL_JOB_VIDEO_DELETED;
    memcpy(job->video_id, id, sizeof id);
    wl_pool_submit(s, job);
}

/* ---- descriptor --------------------------------------------------------------------- */

#define SERVICE "reel.watchlist.v1.WatchlistService/"

static const reel_method_def methods[METHOD_COUNT] = {
    [METHOD_ADD] = {SERVICE "AddToWatchlist", REEL_ACCESS_USER,
                    &reel__watchlist__v1__add_to_watchlist_request__descriptor,
                    &reel__watchlist__v1__add_to_watchlist_response__descriptor},
    [METHOD_REMOVE] = {SERVICE "RemoveFromWatchlist", REEL_ACCESS_USER,
                       &reel__watchlist__v1__remove_from_watchlist_request__descriptor,
                       &reel__watchlist__v1__remove_from_watchlist_response__descriptor},
    [METHOD_LIST] = {SERVICE "ListWatchlist", REEL_ACCESS_USER,
                     &reel__watchlist__v1__list_watchlist_request__descriptor,
                     &reel__watchlist__v1__watchlist_page__descriptor},
    [METHOD_CONTAINS] = {SERVICE "WatchlistContains", REEL_ACCESS_USER,
                         &reel__watchlist__v1__watchlist_contains_request__descriptor,
                         &reel__watchlist__v1__watchlist_contains_response__descriptor},
};

static const reel_route_def routes[] = {
    {"PUT", "/api/v1/me/watchlist/{videoId}", SERVICE "AddToWatchlist", 204},
    {"DELETE", "/api/v1/me/watchlist/{videoId}", SERVICE "RemoveFromWatchlist", 204},
    {"GET", "/api/v1/me/watchlist", SERVICE "ListWatchlist", 200},
};

static const char *const subscriptions[] = {WL_DELETED_TOPIC};

static const reel_plugin_descriptor descriptor = {
    REEL_PLUGIN_DESCRIPTOR_V1,
    .flags = REEL_PLUGIN_UNLOADABLE,
    .name = WL_NAME,
    .version = WL_VERSION,
    .description = "My List: a set of videos per user to watch later",
    .init = wl_init,
    .shutdown = wl_shutdown,
    .handle = wl_handle,
    .on_event = wl_on_event,
    REEL_PLUGIN_METHODS(methods),
    REEL_PLUGIN_ROUTES(routes),
    REEL_PLUGIN_SUBSCRIPTIONS(subscriptions),
    REEL_PLUGIN_HTTP_ROUTES(wl_http_routes),
    .http_begin = wl_http_begin,
    .http_body = wl_http_body,
    .http_end = wl_http_end,
};

REEL_PLUGIN_ENTRY(descriptor)
