/*
 * reel_plugin_metrics.h — plugin metrics (ABI 1.4) for C plugins, without
 * the version checks in every caller.
 *
 * A companion to reel_plugin.h, not part of the ABI: header only (static
 * inline). Register in init(); on a host older than 1.4 (or a refused
 * metric: the host logs why) the handle is NULL and every update is a no-op.
 *
 *     static reel_metric *entries;
 *     entries = reel_metric_register(host, api, REEL_METRIC_COUNTER, "reel_watchlist_changes_total",
 *                                    "Watchlist entries added and removed", REEL_LABELS("change"), NULL, 0);
 *     reel_metric_add(api, entries, REEL_LABEL_VALUES("added"), 1);
 */
#ifndef REEL_PLUGIN_METRICS_H
#define REEL_PLUGIN_METRICS_H

#include <stddef.h>

#include "reel_plugin.h"

/* An array of label names or values and its count, as two arguments. */
#define REEL_LABELS(...)                                                      \
    ((const char *const[]){__VA_ARGS__}),                                     \
    (sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))
#define REEL_LABEL_VALUES(...) REEL_LABELS(__VA_ARGS__)
#define REEL_NO_LABELS NULL, 0

/* The host's metrics table, or NULL before 1.4. */
static inline const reel_metrics_api *reel_metrics_table(const reel_host_api *api) {
    if (api == NULL || api->abi_minor < 4 ||
        api->struct_size < offsetof(reel_host_api, metrics) + sizeof api->metrics || api->metrics == NULL ||
        api->metrics->struct_size < offsetof(reel_metrics_api, observe) + sizeof api->metrics->observe)
        return NULL;
    return api->metrics;
}

static inline reel_metric *reel_metric_register(reel_host *host, const reel_host_api *api, int32_t kind,
                                                const char *name, const char *help,
                                                const char *const *label_names, size_t label_count,
                                                const double *buckets, size_t bucket_count) {
    const reel_metrics_api *m = reel_metrics_table(api);
    if (m == NULL || m->register_metric == NULL) return NULL;
    return m->register_metric(host, kind, name, help, label_names, label_count, buckets, bucket_count);
}

/* Each update does nothing for a NULL metric (a handle is non-NULL only when
 * the table exists). */
static inline void reel_metric_add(const reel_host_api *api, reel_metric *metric,
                                   const char *const *label_values, size_t label_count, double value) {
    if (metric != NULL) api->metrics->add(metric, label_values, label_count, value);
}

static inline void reel_metric_set(const reel_host_api *api, reel_metric *metric,
                                   const char *const *label_values, size_t label_count, double value) {
    if (metric != NULL) api->metrics->set(metric, label_values, label_count, value);
}

static inline void reel_metric_observe(const reel_host_api *api, reel_metric *metric,
                                       const char *const *label_values, size_t label_count, double value) {
    if (metric != NULL) api->metrics->observe(metric, label_values, label_count, value);
}

#endif /* REEL_PLUGIN_METRICS_H */
