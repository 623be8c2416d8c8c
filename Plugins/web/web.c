/*
 * web — serves the web client (plain HTML, CSS and JavaScript modules in
 * Web/) from the host, over ABI 1.2 raw routes answered with sendfile.
 *
 *   GET /                     index.html
 *   GET /watch/{id}, /signin, /register, /upload, /studio, /my-videos, /my-list,
 *       /notifications, /settings/notifications, /c/{creatorId}, /admin, /console
 *                             index.html too: the client routes them itself
 *   GET /web/{path...}        a file under the web folder
 *   GET /sw.js                the service worker (Web/sw.js), at the root
 *                             so its scope is the whole site
 *
 * The folder is REEL_WEB_DIR, else the checkout's Web/ (WEB_DEFAULT_ROOT).
 * Paths cannot leave it: the host's router already refuses "." and ".."
 * segments and encoded slashes; we also refuse hidden names, resolve the
 * path with realpath() and require it under the folder's real path, and
 * serve regular files only. No state besides the folder's path; nothing is
 * left behind at shutdown, hence REEL_PLUGIN_UNLOADABLE.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "reel_plugin.h"
#include "reel_plugin_errors.h"

#ifndef WEB_VERSION
#define WEB_VERSION "1.0.0"
#endif
#ifndef WEB_DEFAULT_ROOT
#define WEB_DEFAULT_ROOT "Web"
#endif
#define WEB_NAME "web"

REEL_PLUGIN_MAGIC_DEFINE

typedef struct web_state {
    reel_host *host;
    const reel_host_api *api;
    char root[PATH_MAX]; /* realpath of the web folder */
} web_state;

enum { ROUTE_INDEX, ROUTE_WATCH, ROUTE_SIGNIN, ROUTE_REGISTER, ROUTE_UPLOAD, ROUTE_MINE, ROUTE_ASSET, ROUTE_MY_LIST,
       ROUTE_NOTIFICATIONS, ROUTE_NOTIFICATION_SETTINGS, ROUTE_CHANNEL, ROUTE_WORKER, ROUTE_CONSOLE, ROUTE_ADMIN, ROUTE_STUDIO, ROUTE_COUNT };

static const reel_http_route_def http_routes[ROUTE_COUNT] = {
    [ROUTE_INDEX] = {"GET", "/", REEL_ACCESS_PUBLIC, 0, 0},
    [ROUTE_WATCH] = {"GET", "/watch/{id}", REEL_ACCESS_PUBLIC, 0, 0},
    [ROUTE_SIGNIN] = {"GET", "/signin", REEL_ACCESS_PUBLIC, 0, 0},
    [ROUTE_REGISTER] = {"GET", "/register", REEL_ACCESS_PUBLIC, 0, 0},
    [ROUTE_UPLOAD] = {"GET", "/upload", REEL_ACCESS_PUBLIC, 0, 0},
    /* The studio; /my-videos is its old name (the client moves to /studio). */
    [ROUTE_STUDIO] = {"GET", "/studio", REEL_ACCESS_PUBLIC, 0, 0},
    [ROUTE_MINE] = {"GET", "/my-videos", REEL_ACCESS_PUBLIC, 0, 0},
    [ROUTE_ASSET] = {"GET", "/web/{path...}", REEL_ACCESS_PUBLIC, 0, 0},
    [ROUTE_MY_LIST] = {"GET", "/my-list", REEL_ACCESS_PUBLIC, 0, 0},
    [ROUTE_NOTIFICATIONS] = {"GET", "/notifications", REEL_ACCESS_PUBLIC, 0, 0},
    [ROUTE_NOTIFICATION_SETTINGS] = {"GET", "/settings/notifications", REEL_ACCESS_PUBLIC, 0, 0},
    [ROUTE_CHANNEL] = {"GET", "/c/{creatorId}", REEL_ACCESS_PUBLIC, 0, 0},
    /* The service worker at the site root, so its scope is the whole site. */
    [ROUTE_WORKER] = {"GET", "/sw.js", REEL_ACCESS_PUBLIC, 0, 0},
    /* The admin console. The public listener lets exactly GET /admin through
     * to this page (AdminGateway.isConsolePage) and refuses every /admin/...
     * path; /console is kept as an alias. */
    [ROUTE_CONSOLE] = {"GET", "/console", REEL_ACCESS_PUBLIC, 0, 0},
    [ROUTE_ADMIN] = {"GET", "/admin", REEL_ACCESS_PUBLIC, 0, 0},
};

static const char *content_type(const char *path) {
    static const struct { const char *ext, *type; } types[] = {
        {".html", "text/html; charset=utf-8"},  {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},    {".svg", "image/svg+xml"},
        {".png", "image/png"},                  {".ico", "image/x-icon"},
        {".json", "application/json"},          {".webmanifest", "application/manifest+json"},
        {".woff2", "font/woff2"},               {".txt", "text/plain; charset=utf-8"},
    };
    const char *dot = strrchr(path, '.');
    if (dot != NULL && strchr(dot, '/') == NULL)
        for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
            if (strcmp(dot, types[i].ext) == 0) return types[i].type;
    return "application/octet-stream";
}

static const char *param(const reel_http_request *r, const char *name) {
    for (size_t i = 0; i < r->param_count; i++)
        if (strcmp(r->params[i].name, name) == 0) return r->params[i].value;
    return NULL;
}

/* Whether every "/"-separated part of `rel` is a plain, non-hidden name. */
static int plain_relative_path(const char *rel) {
    if (rel == NULL || rel[0] == '\0' || rel[0] == '/') return 0;
    const char *part = rel;
    for (;;) {
        if (part[0] == '.' || part[0] == '/' || part[0] == '\0') return 0; /* hidden, ".", "..", empty */
        const char *slash = strchr(part, '/');
        if (slash == NULL) return 1;
        part = slash + 1;
    }
}

static void serve(web_state *s, reel_http_exchange *ex, const reel_http_request *r, const char *rel) {
    char joined[PATH_MAX], real[PATH_MAX];
    size_t root_len = strlen(s->root);
    if (!plain_relative_path(rel) ||
        snprintf(joined, sizeof joined, "%s/%s", s->root, rel) >= (int)sizeof joined ||
        realpath(joined, real) == NULL ||
        strncmp(real, s->root, root_len) != 0 || real[root_len] != '/') {
        reel_http_reply_error(s->api, ex, 0, REEL_NOT_FOUND, "no such file", r->request_id);
        return;
    }
    int fd = open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0) close(fd);
        reel_http_reply_error(s->api, ex, 0, REEL_NOT_FOUND, "no such file", r->request_id);
        return;
    }
    /* Revalidated on every use (no build step, so no hashed file names). */
    const reel_http_header headers[] = {
        {"Content-Type", content_type(real)},
        {"Cache-Control", "no-cache"},
        {"X-Content-Type-Options", "nosniff"},
        {"Referrer-Policy", "same-origin"},
        {"Content-Security-Policy",
         "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
         "style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'"},
    };
    s->api->http_reply_fd(ex, 200, headers, sizeof headers / sizeof headers[0], fd, 0, (uint64_t)st.st_size);
}

static int32_t web_http_begin(void *state, const reel_http_request *request, reel_http_exchange *exchange,
                              void **exchange_state) {
    (void)exchange_state;
    web_state *s = state;
    if (request->route_index == ROUTE_ASSET)
        serve(s, exchange, request, param(request, "path"));
    else if (request->route_index == ROUTE_WORKER)
        serve(s, exchange, request, "sw.js");
    else
        serve(s, exchange, request, "index.html");
    return 1; /* answered; a GET has no body to read */
}

static int32_t web_http_body(void *exchange_state, const uint8_t *data, size_t len) {
    (void)exchange_state, (void)data, (void)len;
    return 1;
}

static void web_http_end(void *exchange_state, int32_t aborted) { (void)exchange_state, (void)aborted; }

static int32_t web_init(reel_host *host, const reel_host_api *api, void **state) {
    if (api == NULL || state == NULL || api->abi_minor < 2 ||
        api->struct_size < offsetof(reel_host_api, http_reply_fd) + sizeof api->http_reply_fd ||
        api->log == NULL || api->config_get == NULL || api->http_reply == NULL || api->http_reply_fd == NULL)
        return 1;
    const char *dir = api->config_get(host, "REEL_WEB_DIR");
    if (dir == NULL || dir[0] == '\0') dir = WEB_DEFAULT_ROOT;
    web_state *s = calloc(1, sizeof *s);
    if (s == NULL) return 1;
    char line[PATH_MAX + 128];
    struct stat st;
    if (realpath(dir, s->root) == NULL || stat(s->root, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(line, sizeof line, WEB_NAME ": the web folder %s is missing (set REEL_WEB_DIR)", dir);
        api->log(host, REEL_LOG_ERROR, line);
        free(s);
        return 1;
    }
    s->host = host;
    s->api = api;
    snprintf(line, sizeof line, WEB_NAME " " WEB_VERSION " serving %s", s->root);
    api->log(host, REEL_LOG_INFO, line);
    *state = s;
    return 0;
}

static void web_shutdown(void *state) { free(state); }

static void web_handle(void *state, const reel_request *request, reel_reply *reply) {
    (void)request;
    web_state *s = state;
    s->api->reply(reply, REEL_UNIMPLEMENTED, "the web plugin has no methods", NULL, 0);
}

static const reel_plugin_descriptor descriptor = {
    REEL_PLUGIN_DESCRIPTOR_V1,
    .flags = REEL_PLUGIN_UNLOADABLE,
    .name = WEB_NAME,
    .version = WEB_VERSION,
    .description = "Serves the web client (Web/): pages, styles and scripts",
    .init = web_init,
    .shutdown = web_shutdown,
    .handle = web_handle,
    REEL_PLUGIN_HTTP_ROUTES(http_routes),
    .http_begin = web_http_begin,
    .http_body = web_http_body,
    .http_end = web_http_end,
};

REEL_PLUGIN_ENTRY(descriptor)
