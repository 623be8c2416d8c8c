/* bus-probe: a test-only plugin in plain C that lets live tests see the bus.
 * It records the events it subscribes to and relays bus calls — including
 * to internal methods, which outside clients cannot reach otherwise.
 *
 *   GET  /test/events                  {"events":[{"topic":..,"payload":"<hex>"},..]}
 *   POST /test/call/{service}/{method} body = protobuf request; the answer is
 *        the callee's protobuf payload, with headers Reel-Bus-Status (a
 *        REEL_* code) and Reel-Bus-Message.
 *   GET  /test/config/{key}            {"key":..,"value":..} — what config_get
 *        gives this plugin (value null when NULL: unset or out of its scope).
 *   POST /test/sleep/{seconds}         answers 200 {"slept":N} after N seconds
 *        (a plugin call longer than the host's shutdown grace period).
 *
 * Never installed outside tests: it would expose internal methods. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "reel_plugin.h"
#include "reel_plugin_errors.h"

REEL_PLUGIN_MAGIC_DEFINE

enum { MAX_EVENTS = 4096, MAX_BODY = 1 << 20 };

typedef struct event {
    char *topic;
    char *hex;
} event;

typedef struct probe {
    reel_host *host;
    const reel_host_api *api;
    pthread_mutex_t lock;
    event events[MAX_EVENTS];
    size_t count;
} probe;

typedef struct sleeper {
    probe *p;
    reel_http_exchange *exchange;
    unsigned seconds;
} sleeper;

typedef struct call {
    probe *p;
    reel_http_exchange *exchange;
    char method[512];
    uint8_t *body;
    size_t len;
} call;

static char *to_hex(const uint8_t *data, size_t len) {
    static const char digits[] = "0123456789abcdef";
    char *hex = malloc(len * 2 + 1);
    if (hex == NULL) return NULL;
    for (size_t i = 0; i < len; i++) {
        hex[2 * i] = digits[data[i] >> 4];
        hex[2 * i + 1] = digits[data[i] & 15];
    }
    hex[len * 2] = '\0';
    return hex;
}

static int32_t probe_init(reel_host *host, const reel_host_api *api, void **state) {
    if (api->abi_minor < 2 || api->http_reply == NULL) return 1;
    probe *p = calloc(1, sizeof *p);
    if (p == NULL || pthread_mutex_init(&p->lock, NULL) != 0) {
        free(p);
        return 1;
    }
    p->host = host;
    p->api = api;
    *state = p;
    return 0;
}

static void probe_shutdown(void *state) {
    probe *p = state;
    for (size_t i = 0; i < p->count; i++) {
        free(p->events[i].topic);
        free(p->events[i].hex);
    }
    pthread_mutex_destroy(&p->lock);
    free(p);
}

static void probe_on_event(void *state, const char *topic, const uint8_t *payload, size_t len) {
    probe *p = state;
    char *t = strdup(topic), *hex = to_hex(payload, len);
    pthread_mutex_lock(&p->lock);
    if (p->count < MAX_EVENTS && t != NULL && hex != NULL) {
        p->events[p->count++] = (event){t, hex};
        t = hex = NULL;
    }
    pthread_mutex_unlock(&p->lock);
    free(t);
    free(hex);
}

static const reel_http_header json_type[] = {{"Content-Type", "application/json"}};

static void reply_events(probe *p, reel_http_exchange *ex) {
    pthread_mutex_lock(&p->lock);
    size_t size = 32;
    for (size_t i = 0; i < p->count; i++) size += strlen(p->events[i].topic) + strlen(p->events[i].hex) + 32;
    char *json = malloc(size);
    if (json == NULL) {
        pthread_mutex_unlock(&p->lock);
        p->api->http_reply(ex, 500, NULL, 0, NULL, 0);
        return;
    }
    size_t at = (size_t)sprintf(json, "{\"events\":[");
    for (size_t i = 0; i < p->count; i++)
        at += (size_t)sprintf(json + at, "%s{\"topic\":\"%s\",\"payload\":\"%s\"}", i ? "," : "",
                              p->events[i].topic, p->events[i].hex);
    at += (size_t)sprintf(json + at, "]}");
    pthread_mutex_unlock(&p->lock);
    p->api->http_reply(ex, 200, json_type, 1, (const uint8_t *)json, at);
    free(json);
}

static void call_done(void *user_data, int32_t status, const char *message, const uint8_t *payload, size_t len) {
    call *c = user_data;
    char code[16];
    snprintf(code, sizeof code, "%d", (int)status);
    const reel_http_header headers[] = {
        {"Content-Type", "application/proto"}, {"Reel-Bus-Status", code},
        {"Reel-Bus-Message", message ? message : ""}};
    c->p->api->http_reply(c->exchange, 200, headers, 3, payload, len);
    free(c->body);
    free(c);
}

static const char *param(const reel_http_request *r, const char *name) {
    for (size_t i = 0; i < r->param_count; i++)
        if (strcmp(r->params[i].name, name) == 0) return r->params[i].value;
    return "";
}

static void *sleep_then_reply(void *argument) {
    sleeper *s = argument;
    struct timespec left = {(time_t)s->seconds, 0};
    while (nanosleep(&left, &left) != 0) {}
    char json[64];
    int len = snprintf(json, sizeof json, "{\"slept\":%u}", s->seconds);
    s->p->api->http_reply(s->exchange, 200, json_type, 1, (const uint8_t *)json, (size_t)len);
    free(s);
    return NULL;
}

/* The sleep route: the reply comes from a detached thread, N seconds later. */
static int32_t begin_sleep(probe *p, const reel_http_request *request, reel_http_exchange *exchange) {
    char *end = NULL;
    unsigned long seconds = strtoul(param(request, "seconds"), &end, 10);
    sleeper *s = calloc(1, sizeof *s);
    pthread_t thread;
    pthread_attr_t attributes;
    if (end == NULL || *end != '\0' || seconds > 600 || s == NULL) {
        free(s);
        p->api->http_reply(exchange, 400, NULL, 0, NULL, 0);
        return 1;
    }
    *s = (sleeper){p, exchange, (unsigned)seconds};
    pthread_attr_init(&attributes);
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    int failed = pthread_create(&thread, &attributes, sleep_then_reply, s);
    pthread_attr_destroy(&attributes);
    if (failed) {
        free(s);
        p->api->http_reply(exchange, 500, NULL, 0, NULL, 0);
        return 1;
    }
    return 0;
}

static void reply_config(probe *p, const reel_http_request *request, reel_http_exchange *exchange) {
    const char *key = param(request, "key");
    const char *value = p->api->config_get(p->host, key);
    size_t key_len = reel_json_escape(NULL, 0, key), value_len = reel_json_escape(NULL, 0, value);
    size_t size = key_len + value_len + 64;
    char *json = malloc(size);
    if (json == NULL) {
        reel_http_reply_error(p->api, exchange, 0, REEL_INTERNAL, "out of memory", request->request_id);
        return;
    }
    size_t at = (size_t)sprintf(json, "{\"key\":\"");
    at += reel_json_escape(json + at, size - at, key);
    at += (size_t)sprintf(json + at, value ? "\",\"value\":\"" : "\",\"value\":null}");
    if (value) {
        at += reel_json_escape(json + at, size - at, value);
        at += (size_t)sprintf(json + at, "\"}");
    }
    p->api->http_reply(exchange, 200, json_type, 1, (const uint8_t *)json, at);
    free(json);
}

static int32_t probe_http_begin(void *state, const reel_http_request *request, reel_http_exchange *exchange,
                                void **exchange_state) {
    probe *p = state;
    if (request->route_index == 0) {
        reply_events(p, exchange);
        return 1;
    }
    if (request->route_index == 3) {
        reply_config(p, request, exchange);
        return 1;
    }
    if (request->route_index == 2) {
        *exchange_state = NULL; /* the body (none) is ignored; the thread replies */
        return begin_sleep(p, request, exchange);
    }
    call *c = calloc(1, sizeof *c);
    if (c == NULL) {
        p->api->http_reply(exchange, 500, NULL, 0, NULL, 0);
        return 1;
    }
    c->p = p;
    c->exchange = exchange;
    snprintf(c->method, sizeof c->method, "%s/%s", param(request, "service"), param(request, "method"));
    *exchange_state = c;
    return 0;
}

static int32_t probe_http_body(void *exchange_state, const uint8_t *data, size_t len) {
    call *c = exchange_state;
    if (c == NULL) return 0; /* a sleep: its body is ignored */
    uint8_t *grown = realloc(c->body, c->len + len);
    if (grown == NULL) return 1;
    memcpy(grown + c->len, data, len);
    c->body = grown;
    c->len += len;
    return 0;
}

static void probe_http_end(void *exchange_state, int32_t aborted) {
    call *c = exchange_state;
    if (c == NULL) return; /* a sleep: its thread replies */
    if (aborted) {
        c->p->api->http_reply(c->exchange, 499, NULL, 0, NULL, 0);
        free(c->body);
        free(c);
        return;
    }
    /* call_done replies and frees `c`, maybe before bus_call returns. */
    c->p->api->bus_call(c->p->host, c->method, c->body, c->len, call_done, c);
}

static const reel_http_route_def http_routes[] = {
    {"GET", "/test/events", REEL_ACCESS_PUBLIC, 0, 0},
    {"POST", "/test/call/{service}/{method}", REEL_ACCESS_PUBLIC, 0, MAX_BODY},
    {"POST", "/test/sleep/{seconds}", REEL_ACCESS_PUBLIC, 0, 0},
    {"GET", "/test/config/{key}", REEL_ACCESS_PUBLIC, 0, 0},
};

static const char *const subscriptions[] = {
    "video.uploaded", "video.progress", "video.ready", "video.failed", "video.deleted", "hello.greeted",
    "comment.created",
};

static const reel_plugin_descriptor descriptor = {
    REEL_PLUGIN_DESCRIPTOR_V1,
    .name = "bus-probe",
    .version = "1.0.0",
    .description = "test only: records events, relays bus calls",
    .init = probe_init,
    .shutdown = probe_shutdown,
    .on_event = probe_on_event,
    REEL_PLUGIN_SUBSCRIPTIONS(subscriptions),
    REEL_PLUGIN_HTTP_ROUTES(http_routes),
    .http_begin = probe_http_begin,
    .http_body = probe_http_body,
    .http_end = probe_http_end,
};

REEL_PLUGIN_ENTRY(descriptor)
