/* hello-c's raw HTTP routes (ABI 1.2): a streamed upload and a file answered
 * with sendfile — what the video and streaming plugins do, in miniature.
 *
 *   PUT /api/v1/echo/upload  the body arrives chunk by chunk; the answer is
 *                            its length and FNV-1a hash. "x-refuse: 1" makes
 *                            http_begin refuse it (403) before any body.
 *   GET /api/v1/echo/file    a file of the data folder, by file descriptor. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hello_c.h"

enum { ROUTE_UPLOAD, ROUTE_FILE };

const reel_http_route_def hello_c_http_routes[HELLO_C_HTTP_ROUTE_COUNT] = {
    [ROUTE_UPLOAD] = {"PUT", "/api/v1/echo/upload", REEL_ACCESS_PUBLIC, 0, 64u << 20},
    [ROUTE_FILE] = {"GET", "/api/v1/echo/file", REEL_ACCESS_PUBLIC, 0, 0},
};

typedef struct upload {
    hello_c_state *s;
    reel_http_exchange *exchange;
    uint64_t bytes;
    uint64_t fnv1a;
} upload;

static const reel_http_header json_type[] = {{"Content-Type", "application/json"}};

static void reply_json(hello_c_state *s, reel_http_exchange *ex, int32_t status, const char *json) {
    s->api->http_reply(ex, status, json_type, 1, (const uint8_t *)json, strlen(json));
}

void hello_c_http_prepare(hello_c_state *s) {
    s->file_path[0] = '\0';
    const char *dir = s->api->config_get(s->host, "REEL_DATA_DIR");
    if (dir == NULL) return;
    char path[sizeof s->file_path];
    if (snprintf(path, sizeof path, "%s/hello-c.txt", dir) >= (int)sizeof path) return;
    char tmp[sizeof path + 16];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (f == NULL) return;
    for (int i = 0; i < 1000; i++) fprintf(f, "line %04d: hello from hello-c\n", i);
    if (fclose(f) != 0 || rename(tmp, path) != 0) return;
    memcpy(s->file_path, path, sizeof path);
}

static const char *header(const reel_http_request *r, const char *name) {
    for (size_t i = 0; i < r->header_count; i++)
        if (strcmp(r->headers[i].name, name) == 0) return r->headers[i].value;
    return NULL;
}

static int32_t serve_file(hello_c_state *s, reel_http_exchange *ex) {
    int fd = s->file_path[0] ? open(s->file_path, O_RDONLY | O_CLOEXEC) : -1;
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        if (fd >= 0) close(fd);
        reply_json(s, ex, 404, "{\"error\":{\"code\":\"not_found\",\"message\":\"no file to serve\"}}");
        return 1;
    }
    static const reel_http_header text[] = {{"Content-Type", "text/plain; charset=utf-8"}};
    s->api->http_reply_fd(ex, 200, text, 1, fd, 0, (uint64_t)st.st_size); /* the host owns fd now */
    return 1;
}

int32_t hello_c_http_begin(void *state, const reel_http_request *request,
                           reel_http_exchange *exchange, void **exchange_state) {
    hello_c_state *s = state;
    if (request->route_index == ROUTE_FILE) return serve_file(s, exchange);

    const char *refuse = header(request, "x-refuse");
    if (refuse != NULL && strcmp(refuse, "1") == 0) {
        reply_json(s, exchange, 403, "{\"error\":{\"code\":\"permission_denied\",\"message\":\"refused before the body\"}}");
        return 1;
    }
    upload *u = calloc(1, sizeof *u);
    if (u == NULL) {
        reply_json(s, exchange, 500, "{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\"}}");
        return 1;
    }
    u->s = s;
    u->exchange = exchange;
    u->fnv1a = 14695981039346656037ull; /* the FNV-1a 64-bit offset basis */
    *exchange_state = u;
    return 0;
}

int32_t hello_c_http_body(void *exchange_state, const uint8_t *data, size_t len) {
    upload *u = exchange_state;
    for (size_t i = 0; i < len; i++) u->fnv1a = (u->fnv1a ^ data[i]) * 1099511628211ull;
    u->bytes += len;
    return 0;
}

void hello_c_http_end(void *exchange_state, int32_t aborted) {
    upload *u = exchange_state;
    char json[128];
    snprintf(json, sizeof json, "{\"bytes\":%llu,\"fnv1a\":\"%016llx\",\"aborted\":%s}",
             (unsigned long long)u->bytes, (unsigned long long)u->fnv1a, aborted ? "true" : "false");
    reply_json(u->s, u->exchange, 200, json); /* discarded by the host after an abort */
    free(u);
}
