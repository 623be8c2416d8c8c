/* hello-c's state and its parts, shared by hello_c.c and hello_c_http.c. */
#ifndef HELLO_C_H
#define HELLO_C_H

#include <pthread.h>
#include <stdint.h>

#include "reel_plugin.h"

typedef struct hello_c_state {
    reel_host *host;
    const reel_host_api *api;

    pthread_mutex_t lock; /* guards the two fields below */
    int64_t greetings_seen;
    char *last_name; /* owned; NULL until the first event */

    char file_path[4096]; /* the file GET /api/v1/echo/file answers ("" if none) */
} hello_c_state;

/* ---- HTTP routes (ABI 1.2): hello_c_http.c ------------------------------ */
enum { HELLO_C_HTTP_ROUTE_COUNT = 2 };
extern const reel_http_route_def hello_c_http_routes[HELLO_C_HTTP_ROUTE_COUNT];

/* Writes the file GET /api/v1/echo/file serves, under REEL_DATA_DIR. */
void hello_c_http_prepare(hello_c_state *s);
int32_t hello_c_http_begin(void *state, const reel_http_request *request,
                           reel_http_exchange *exchange, void **exchange_state);
int32_t hello_c_http_body(void *exchange_state, const uint8_t *data, size_t len);
void hello_c_http_end(void *exchange_state, int32_t aborted);

#endif
