/* Bus calls from a worker: api->bus_call with a callback that hands the
 * answer back to the waiting worker. The callback runs on a host thread,
 * possibly before bus_call returns; it copies what it gets (valid during the
 * callback only). */
#include <stdlib.h>
#include <string.h>

#include "watchlist.h"

int wl_bus_init(wl_worker *w) {
    if (pthread_mutex_init(&w->bus_lock, NULL) != 0) return -1;
    if (pthread_cond_init(&w->bus_done, NULL) != 0) {
        pthread_mutex_destroy(&w->bus_lock);
        return -1;
    }
    w->bus_payload = NULL;
    return 0;
}

void wl_bus_destroy(wl_worker *w) {
    wl_bus_release(w);
    pthread_cond_destroy(&w->bus_done);
    pthread_mutex_destroy(&w->bus_lock);
}

static void on_answer(void *user_data, int32_t status, const char *message, const uint8_t *payload,
                      size_t payload_len) {
    wl_worker *w = user_data;
    uint8_t *copy = NULL;
    if (status == REEL_OK) {
        copy = malloc(payload_len ? payload_len : 1);
        if (copy == NULL) {
            status = REEL_INTERNAL;
            message = "out of memory";
        } else if (payload_len) {
            memcpy(copy, payload, payload_len);
        }
    }
    pthread_mutex_lock(&w->bus_lock);
    w->bus_status = status;
    w->bus_payload = copy;
    w->bus_payload_len = copy ? payload_len : 0;
    w->bus_message[0] = '\0';
    if (message) {
        strncpy(w->bus_message, message, sizeof w->bus_message - 1);
        w->bus_message[sizeof w->bus_message - 1] = '\0';
    }
    w->bus_finished = 1;
    pthread_cond_signal(&w->bus_done);
    pthread_mutex_unlock(&w->bus_lock);
}

int32_t wl_bus_call(wl_worker *w, const char *method, const uint8_t *payload, size_t len) {
    wl_bus_release(w);
    pthread_mutex_lock(&w->bus_lock);
    w->bus_finished = 0;
    pthread_mutex_unlock(&w->bus_lock);

    w->s->api->bus_call(w->s->host, method, payload, len, on_answer, w);

    pthread_mutex_lock(&w->bus_lock);
    while (!w->bus_finished) pthread_cond_wait(&w->bus_done, &w->bus_lock);
    int32_t status = w->bus_status;
    pthread_mutex_unlock(&w->bus_lock);
    return status;
}

void wl_bus_release(wl_worker *w) {
    free(w->bus_payload);
    w->bus_payload = NULL;
    w->bus_payload_len = 0;
}
