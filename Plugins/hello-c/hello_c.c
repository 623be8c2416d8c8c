/*
 * hello-c — the plain-C sample plugin.
 *
 * It proves the plugin ABI is really C: it includes reel_plugin.h and the
 * protobuf-c code of its own messages, nothing from the host.
 *
 *   reel.helloc.v1.EchoService/Echo   POST /api/v1/echo        EchoRequest -> EchoResponse
 *   reel.helloc.v1.EchoService/Stats  GET  /api/v1/echo/stats  StatsRequest -> StatsResponse
 *   subscribes to "hello.greeted" (reel.hello.v1.Greeted) and counts the events.
 *
 * Threads: handle() runs concurrently; on_event() one at a time. The only
 * shared mutable state (the event counters) sits behind `state->lock`.
 * It leaves nothing behind after shutdown(), hence REEL_PLUGIN_UNLOADABLE.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reel_plugin.h"
#include "reel/hello/v1/hello.pb-c.h"
#include "reel/helloc/v1/echo.pb-c.h"

#ifndef HELLO_C_VERSION
#define HELLO_C_VERSION "1.0.0"
#endif

#define HELLO_C_NAME "hello-c"
#define GREETED_TOPIC "hello.greeted"

/* ---- Magic: the ABI check the host runs before any other code ---------- */
REEL_PLUGIN_MAGIC_DEFINE

#include "hello_c.h"

/* The methods, in the order of `methods` below (request->method_index). */
enum { METHOD_ECHO, METHOD_STATS, METHOD_COUNT };

/* ---- Helpers ----------------------------------------------------------- */

static void log_line(const hello_c_state *s, int32_t level, const char *message) {
    s->api->log(s->host, level, message);
}

/* Packs `msg` and completes the call with it; replies INTERNAL when out of
 * memory. Exactly one api->reply either way. */
static void reply_message(const hello_c_state *s, reel_reply *reply,
                          const ProtobufCMessage *msg) {
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

/* A request's payload, unpacked with the default (malloc) allocator.
 * NULL when malformed; free with protobuf_c_message_free_unpacked. */
static ProtobufCMessage *unpack_input(const ProtobufCMessageDescriptor *d,
                                      const reel_request *request) {
    static const uint8_t empty[1];
    const uint8_t *data = request->payload ? request->payload : empty;
    return protobuf_c_message_unpack(d, NULL, request->payload_len, data);
}

/* ---- Methods ----------------------------------------------------------- */

static void handle_echo(hello_c_state *s, const reel_request *request,
                        reel_reply *reply) {
    Reel__Helloc__V1__EchoRequest *in = (Reel__Helloc__V1__EchoRequest *)unpack_input(
        &reel__helloc__v1__echo_request__descriptor, request);
    if (in == NULL) {
        s->api->reply(reply, REEL_INVALID_ARGUMENT, "malformed EchoRequest", NULL, 0);
        return;
    }
    if (in->text == NULL || in->text[0] == '\0') {
        s->api->reply(reply, REEL_INVALID_ARGUMENT, "text must not be empty", NULL, 0);
        protobuf_c_message_free_unpacked(&in->base, NULL);
        return;
    }

    static const char prefix[] = HELLO_C_NAME " " HELLO_C_VERSION ": ";
    size_t text_len = strlen(in->text);
    char *text = malloc(sizeof prefix + text_len);
    if (text == NULL) {
        s->api->reply(reply, REEL_INTERNAL, "out of memory", NULL, 0);
    } else {
        memcpy(text, prefix, sizeof prefix - 1);
        memcpy(text + sizeof prefix - 1, in->text, text_len + 1);

        Reel__Helloc__V1__EchoResponse out = REEL__HELLOC__V1__ECHO_RESPONSE__INIT;
        out.text = text;
        out.plugin_version = (char *)HELLO_C_VERSION;
        reply_message(s, reply, &out.base);
        free(text);
    }
    protobuf_c_message_free_unpacked(&in->base, NULL);
}

static void handle_stats(hello_c_state *s, const reel_request *request,
                         reel_reply *reply) {
    ProtobufCMessage *in = unpack_input(&reel__helloc__v1__stats_request__descriptor, request);
    if (in == NULL) {
        s->api->reply(reply, REEL_INVALID_ARGUMENT, "malformed StatsRequest", NULL, 0);
        return;
    }
    protobuf_c_message_free_unpacked(in, NULL);

    Reel__Helloc__V1__StatsResponse out = REEL__HELLOC__V1__STATS_RESPONSE__INIT;
    out.plugin_version = (char *)HELLO_C_VERSION;
    /* Pack under the lock (it borrows last_name); reply after unlocking. */
    pthread_mutex_lock(&s->lock);
    out.greetings_seen = s->greetings_seen;
    if (s->last_name != NULL) out.last_name = s->last_name;
    size_t len = protobuf_c_message_get_packed_size(&out.base);
    uint8_t *buf = malloc(len ? len : 1);
    if (buf != NULL) protobuf_c_message_pack(&out.base, buf);
    pthread_mutex_unlock(&s->lock);

    if (buf == NULL) {
        s->api->reply(reply, REEL_INTERNAL, "out of memory", NULL, 0);
        return;
    }
    s->api->reply(reply, REEL_OK, NULL, buf, len);
    free(buf);
}

/* ---- Plugin hooks ------------------------------------------------------ */

static int32_t hello_c_init(reel_host *host, const reel_host_api *api, void **state) {
    /* Every field we use (log, config_get, reply) is from ABI 1.0. */
    if (api == NULL || state == NULL ||
        api->struct_size < offsetof(reel_host_api, reply) + sizeof api->reply ||
        api->log == NULL || api->config_get == NULL || api->reply == NULL) {
        return 1;
    }

    const char *fail = api->config_get(host, "REEL_HELLO_C_FAIL_INIT");
    if (fail != NULL && strcmp(fail, "1") == 0) {
        api->log(host, REEL_LOG_ERROR,
                 HELLO_C_NAME " " HELLO_C_VERSION
                 ": init refused on purpose (REEL_HELLO_C_FAIL_INIT=1)");
        return 1;
    }

    hello_c_state *s = calloc(1, sizeof *s);
    if (s == NULL) return 1;
    if (pthread_mutex_init(&s->lock, NULL) != 0) {
        free(s);
        return 1;
    }
    s->host = host;
    s->api = api;
    hello_c_http_prepare(s);

    log_line(s, REEL_LOG_INFO, HELLO_C_NAME " " HELLO_C_VERSION " ready");
    *state = s;
    return 0;
}

static void hello_c_shutdown(void *state) {
    hello_c_state *s = state;
    if (s == NULL) return;
    pthread_mutex_destroy(&s->lock);
    free(s->last_name);
    free(s);
}

static void hello_c_handle(void *state, const reel_request *request, reel_reply *reply) {
    hello_c_state *s = state;
    switch (request->method_index) {
    case METHOD_ECHO:
        handle_echo(s, request, reply);
        return;
    case METHOD_STATS:
        handle_stats(s, request, reply);
        return;
    default:
        s->api->reply(reply, REEL_UNIMPLEMENTED, "unknown method", NULL, 0);
        return;
    }
}

static void hello_c_on_event(void *state, const char *topic, const uint8_t *payload,
                             size_t payload_len) {
    hello_c_state *s = state;
    if (topic == NULL || strcmp(topic, GREETED_TOPIC) != 0) return;

    static const uint8_t empty[1];
    Reel__Hello__V1__Greeted *ev =
        reel__hello__v1__greeted__unpack(NULL, payload_len, payload ? payload : empty);
    if (ev == NULL) {
        char line[128];
        snprintf(line, sizeof line,
                 "ignored a malformed " GREETED_TOPIC " event (%zu bytes)", payload_len);
        log_line(s, REEL_LOG_WARN, line);
        return;
    }

    /* Copy outside the lock; swap inside it. */
    char *name = strdup(ev->name ? ev->name : "");
    reel__hello__v1__greeted__free_unpacked(ev, NULL);

    pthread_mutex_lock(&s->lock);
    s->greetings_seen++;
    char *old = s->last_name;
    s->last_name = name; /* NULL (out of memory) reads back as "" */
    pthread_mutex_unlock(&s->lock);
    free(old);
}

/* ---- Descriptor -------------------------------------------------------- */

static const reel_method_def methods[METHOD_COUNT] = {
    [METHOD_ECHO] = {"reel.helloc.v1.EchoService/Echo", REEL_ACCESS_PUBLIC,
                     &reel__helloc__v1__echo_request__descriptor,
                     &reel__helloc__v1__echo_response__descriptor},
    [METHOD_STATS] = {"reel.helloc.v1.EchoService/Stats", REEL_ACCESS_PUBLIC,
                      &reel__helloc__v1__stats_request__descriptor,
                      &reel__helloc__v1__stats_response__descriptor},
};

static const reel_route_def routes[] = {
    {"POST", "/api/v1/echo", "reel.helloc.v1.EchoService/Echo", 200},
    {"GET", "/api/v1/echo/stats", "reel.helloc.v1.EchoService/Stats", 200},
};

static const char *const subscriptions[] = {GREETED_TOPIC};

static const reel_plugin_descriptor descriptor = {
    REEL_PLUGIN_DESCRIPTOR_V1,
    .flags = REEL_PLUGIN_UNLOADABLE,
    .name = HELLO_C_NAME,
    .version = HELLO_C_VERSION,
    .description = "Plain-C sample plugin: echoes text, counts hello.greeted events",
    .init = hello_c_init,
    .shutdown = hello_c_shutdown,
    .handle = hello_c_handle,
    .on_event = hello_c_on_event,
    REEL_PLUGIN_METHODS(methods),
    REEL_PLUGIN_ROUTES(routes),
    REEL_PLUGIN_SUBSCRIPTIONS(subscriptions),
    REEL_PLUGIN_HTTP_ROUTES(hello_c_http_routes),
    .http_begin = hello_c_http_begin,
    .http_body = hello_c_http_body,
    .http_end = hello_c_http_end,
};

REEL_PLUGIN_ENTRY(descriptor)
