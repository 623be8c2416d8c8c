/* The raw route GET /api/v1/me/watchlist/contains?ids=a,b,c: its answer is
 * a JSON object keyed by video id, which a method's output message cannot
 * be (the host prints messages as objects of their fields). The same lookup
 * is the WatchlistContains method for /rpc and the bus. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "watchlist.h"

const reel_http_route_def wl_http_routes[WL_HTTP_ROUTE_COUNT] = {
    {"GET", "/api/v1/me/watchlist/contains", REEL_ACCESS_USER, 0, 1024},
};

static const reel_http_header json_type[] = {{"Content-Type", "application/json"},
                                             {"Cache-Control", "no-store"}};

void wl_http_reply_json(const wl_state *s, reel_http_exchange *ex, int status, const char *json, size_t len) {
    s->api->http_reply(ex, status, json_type, 2, (const uint8_t *)json, len);
}

/* The host's one mapping of codes to HTTP statuses and names, for the codes
 * this plugin answers. */
void wl_http_reply_error(const wl_state *s, reel_http_exchange *ex, int32_t code, const char *message) {
    int status;
    const char *name;
    switch (code) {
    case REEL_INVALID_ARGUMENT: status = 400; name = "invalid_argument"; break;
    case REEL_UNAUTHENTICATED: status = 401; name = "unauthenticated"; break;
    case REEL_NOT_FOUND: status = 404; name = "not_found"; break;
    case REEL_RESOURCE_EXHAUSTED: status = 429; name = "resource_exhausted"; break;
    case REEL_UNAVAILABLE: status = 503; name = "unavailable"; break;
    default: status = 500; name = "internal"; break;
    }
    char quoted[600];
    size_t need = wl_json_string(message, quoted, sizeof quoted);
    if (need >= sizeof quoted) snprintf(quoted, sizeof quoted, "\"%s\"", name);
    char json[700];
    int n = snprintf(json, sizeof json, "{\"error\":{\"code\":\"%s\",\"message\":%s}}", name, quoted);
    wl_http_reply_json(s, ex, status, json, (size_t)n);
}

int32_t wl_http_begin(void *state, const reel_http_request *request, reel_http_exchange *exchange,
                      void **exchange_state) {
    wl_state *s = state;
    char user[WL_UUID_LEN + 1];
    if (wl_uuid_canonical(request->caller_user_id, user) != 0) {
        wl_http_reply_error(s, exchange, REEL_UNAUTHENTICATED, "sign in first");
        return 1;
    }
    wl_job *job = calloc(1, sizeof *job);
    if (job == NULL) {
        wl_http_reply_error(s, exchange, REEL_INTERNAL, "out of memory");
        return 1;
    }
    char err[192];
    if (wl_parse_contains_query(request->query, &job->ids, err, sizeof err) != 0) {
        free(job);
        wl_http_reply_error(s, exchange, REEL_INVALID_ARGUMENT, err);
        return 1;
    }
    job->kind = WL_JOB_CONTAINS_HTTP;
    job->exchange = exchange;
    memcpy(job->user_id, user, sizeof user);
    snprintf(job->role, sizeof job->role, "%s", request->caller_role);
    job->s = s;
    *exchange_state = job; /* queued once the (empty) body is in: wl_http_end */
    return 0;
}

int32_t wl_http_body(void *exchange_state, const uint8_t *data, size_t len) {
    (void)exchange_state;
    (void)data;
    return len ? 1 : 0; /* a GET has no body: stop reading any */
}

void wl_http_end(void *exchange_state, int32_t aborted) {
    wl_job *job = exchange_state;
    if (aborted) {
        wl_http_reply_error(job->s, job->exchange, REEL_INVALID_ARGUMENT, "the request was aborted");
        free(job);
        return;
    }
    wl_pool_submit(job->s, job);
}
