/*
 * One minimal, valid plugin that each broken fixture bends in exactly one way
 * (see the Makefile, one -D per fixture):
 *
 *   FIXTURE_NAME="..."        descriptor name; also the only method's service
 *   FIXTURE_MAGIC=0x...       magic value            (default REEL_MAGIC)
 *   FIXTURE_ABI_MAJOR=n       reported ABI major     (default REEL_ABI_MAJOR)
 *   FIXTURE_ABI_MINOR=n       reported ABI minor     (default REEL_ABI_MINOR)
 *   FIXTURE_NO_MAGIC          no reel_plugin_magic symbol at all
 *   FIXTURE_NO_ENTRY          no reel_plugin_entry symbol
 *   FIXTURE_INIT_RESULT=n     what init() returns    (default 0)
 *   FIXTURE_METRICS           registers plugin metrics (ABI 1.4) in init: one
 *                             counter of pings, and names the host must refuse
 *
 * Otherwise it serves one PUBLIC method, "reel.test.v1.FixtureService/Ping",
 * answering REEL_OK with an empty payload, and is REEL_PLUGIN_UNLOADABLE.
 */
#include <stdlib.h>

#include "reel_plugin.h"
#ifdef FIXTURE_METRICS
#include "reel_plugin_metrics.h"
#endif

#ifndef FIXTURE_NAME
#error "FIXTURE_NAME is required"
#endif
#ifndef FIXTURE_MAGIC
#define FIXTURE_MAGIC REEL_MAGIC
#endif
#ifndef FIXTURE_ABI_MAJOR
#define FIXTURE_ABI_MAJOR REEL_ABI_MAJOR
#endif
#ifndef FIXTURE_ABI_MINOR
#define FIXTURE_ABI_MINOR REEL_ABI_MINOR
#endif
#ifndef FIXTURE_INIT_RESULT
#define FIXTURE_INIT_RESULT 0
#endif

#ifndef FIXTURE_NO_MAGIC
/* Written out rather than REEL_PLUGIN_MAGIC_DEFINE, to bend its values. */
__attribute__((visibility("default"))) const reel_magic *reel_plugin_magic(void) {
    static const reel_magic m = {
        FIXTURE_MAGIC, FIXTURE_ABI_MAJOR, FIXTURE_ABI_MINOR,
        (uint32_t)sizeof(reel_plugin_descriptor)};
    return &m;
}
#endif

typedef struct fixture_state {
    const reel_host_api *api;
#ifdef FIXTURE_METRICS
    reel_metric *pings;
#endif
} fixture_state;

#ifdef FIXTURE_METRICS
/* Each of these is refused (NULL, a log line); updating NULL is harmless. */
static void fixture_register_refused(reel_host *host, const reel_host_api *api) {
    const double unordered[] = {2, 1};
    reel_metric *refused[] = {
        reel_metric_register(host, api, REEL_METRIC_COUNTER, "reel_bus_calls_total", "the host's", REEL_NO_LABELS, NULL, 0),
        reel_metric_register(host, api, REEL_METRIC_COUNTER, "fixture_pings_total", "no reel_", REEL_NO_LABELS, NULL, 0),
        reel_metric_register(host, api, REEL_METRIC_COUNTER, "reel_fixture_pings", "no _total", REEL_NO_LABELS, NULL, 0),
        reel_metric_register(host, api, REEL_METRIC_HISTOGRAM, "reel_fixture_seconds", "le", REEL_LABELS("le"), NULL, 0),
        reel_metric_register(host, api, REEL_METRIC_HISTOGRAM, "reel_fixture_seconds", "order", REEL_NO_LABELS, unordered, 2),
        reel_metric_register(host, api, REEL_METRIC_COUNTER, "reel_fixture_pings_total", "other labels", REEL_NO_LABELS, NULL, 0),
        reel_metric_register(host, api, 99, "reel_fixture_other", "unknown kind", REEL_NO_LABELS, NULL, 0),
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        reel_metric_add(api, refused[i], REEL_NO_LABELS, 1);
}
#endif

static int32_t fixture_init(reel_host *host, const reel_host_api *api, void **state) {
    (void)host;
    if (FIXTURE_INIT_RESULT != 0) return FIXTURE_INIT_RESULT;
    fixture_state *s = malloc(sizeof *s);
    if (s == NULL) return 1;
    s->api = api;
#ifdef FIXTURE_METRICS
    s->pings = reel_metric_register(host, api, REEL_METRIC_COUNTER, "reel_fixture_pings_total",
                                    "Pings this fixture answered", REEL_LABELS("outcome"), NULL, 0);
    if (s->pings == NULL) {
        free(s);
        return 2;
    }
    fixture_register_refused(host, api);
    /* A wrong label count is dropped (and logged once), not fatal. */
    reel_metric_add(api, s->pings, REEL_NO_LABELS, 1);
#endif
    *state = s;
    return 0;
}

static void fixture_shutdown(void *state) { free(state); }

static void fixture_handle(void *state, const reel_request *request, reel_reply *reply) {
    (void)request;
    const fixture_state *s = state;
#ifdef FIXTURE_METRICS
    reel_metric_add(s->api, s->pings, REEL_LABEL_VALUES("ok"), 1);
#endif
    s->api->reply(reply, REEL_OK, NULL, NULL, 0);
}

static const reel_method_def methods[] = {
    {"reel.test.v1.FixtureService/Ping", REEL_ACCESS_PUBLIC, NULL, NULL},
};

/* ABI 1.0's header (the abi-1-0 fixture) predates the boilerplate macro. */
#ifndef REEL_PLUGIN_DESCRIPTOR_V1
#define REEL_PLUGIN_DESCRIPTOR_V1 .struct_size = sizeof(reel_plugin_descriptor)
#endif

static const reel_plugin_descriptor descriptor = {
    REEL_PLUGIN_DESCRIPTOR_V1,
    .flags = REEL_PLUGIN_UNLOADABLE,
    .name = FIXTURE_NAME,
    .version = "0.0.1",
    .description = "deliberately broken fixture plugin (Tests/Fixtures/plugins)",
    .init = fixture_init,
    .shutdown = fixture_shutdown,
    .handle = fixture_handle,
    .methods = methods,
    .method_count = sizeof methods / sizeof methods[0],
};

#ifndef FIXTURE_NO_ENTRY
__attribute__((visibility("default"))) const reel_plugin_descriptor *
reel_plugin_entry(void) {
    return &descriptor;
}
#else
/* Keep the descriptor referenced so -Werror=unused does not trip. */
__attribute__((used)) static const void *const keep_descriptor = &descriptor;
#endif
