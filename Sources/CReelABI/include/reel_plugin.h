/*
 * reel_plugin.h — the Reel plugin ABI, version 1.
 *
 * This header is the whole contract between the Reel host process and its
 * service plugins. A plugin is a shared library that includes this header
 * only (plus protobuf-c for its own messages, if it wants), exports the two
 * functions below, and never links against the host.
 *
 *   const reel_magic             *reel_plugin_magic(void);
 *   const reel_plugin_descriptor *reel_plugin_entry(void);
 *
 * Loading, in order (the host runs no other plugin code before step 2 passes):
 *   1. dlopen(RTLD_NOW | RTLD_LOCAL) of a private copy of the file;
 *   2. reel_plugin_magic(): magic and ABI major must match the host's, the
 *      ABI minor must not be newer than the host's; otherwise the plugin is
 *      refused with a log line naming both versions and the host goes on;
 *   3. reel_plugin_entry(): the descriptor (names, handlers, methods, routes);
 *   4. descriptor->init(): the plugin receives its host handle and the host
 *      function table, and returns its state.
 *
 * Naming: types are `reel_*`; functions a plugin implements are fields of
 * `reel_plugin_descriptor`; functions the host implements are fields of
 * `reel_host_api`.
 *
 * Evolution rules: this ABI is append-only. Within a major version, structs
 * only grow at their end, every struct starts with its size, and each group
 * of fields is tagged with the minor version that added it. A plugin must
 * check `api->abi_minor` (or a NULL slot) before using a field newer than
 * 1.0. Removing or changing anything bumps REEL_ABI_MAJOR.
 *
 * Memory: every pointer handed across the boundary is borrowed. The comment
 * next to it says how long it stays valid; whoever needs it longer copies it.
 * The host copies every string it keeps from a plugin (names, routes, error
 * messages), and never keeps a plugin pointer past the plugin's generation.
 *
 * Threads: the host calls handle() concurrently from many threads. A handler
 * must not block for long: it replies at once or hands the work to its own
 * thread and replies later, from any thread, exactly once. Every host
 * function is thread-safe and may be called from init() on, until shutdown()
 * returns (in shutdown() itself only log and config_get).
 *
 * Lifetime of a generation (hot-swap): a new version of a plugin is loaded
 * from a new file, init() runs, then new calls and events go to it. The old
 * generation keeps serving the calls it already has; it is "in flight" while
 * any call, queued event or bus_call callback of its own is pending. When
 * nothing is, its shutdown() runs; no call, event or callback reaches it
 * after that. on_event() never runs before init() has returned.
 *
 * Table entries (reel_method_def, reel_route_def) are frozen for ABI 1: a
 * later minor version adds per-entry data as new parallel arrays appended to
 * reel_plugin_descriptor, never by growing these structs.
 */
#ifndef REEL_PLUGIN_H
#define REEL_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define REEL_ABI_MAJOR 1
#define REEL_ABI_MINOR 4
#define REEL_MAGIC 0x5245454Cu /* "REEL" */

#define REEL_PLUGIN_MAGIC_SYMBOL "reel_plugin_magic"
#define REEL_PLUGIN_ENTRY_SYMBOL "reel_plugin_entry"

/* ---- Status codes (the Connect / gRPC code set) ------------------------ */
/* The host maps each code to an HTTP status in exactly one place. */
#define REEL_OK                   0
#define REEL_CANCELED             1
#define REEL_UNKNOWN              2
#define REEL_INVALID_ARGUMENT     3
#define REEL_DEADLINE_EXCEEDED    4
#define REEL_NOT_FOUND            5
#define REEL_ALREADY_EXISTS       6
#define REEL_PERMISSION_DENIED    7
#define REEL_RESOURCE_EXHAUSTED   8
#define REEL_FAILED_PRECONDITION  9
#define REEL_ABORTED             10
#define REEL_OUT_OF_RANGE        11
#define REEL_UNIMPLEMENTED       12
#define REEL_INTERNAL            13
#define REEL_UNAVAILABLE         14
#define REEL_DATA_LOSS           15
#define REEL_UNAUTHENTICATED     16

/* ---- Log levels ----------------------------------------------------------- */
#define REEL_LOG_DEBUG 10
#define REEL_LOG_INFO  20
#define REEL_LOG_WARN  30
#define REEL_LOG_ERROR 40

/* ---- Access requirements, checked by the host before a handler runs ------ */
#define REEL_ACCESS_PUBLIC         0 /* anyone, signed in or not */
#define REEL_ACCESS_USER           1 /* any signed-in user */
#define REEL_ACCESS_CREATOR        2 /* role creator or admin */
#define REEL_ACCESS_ADMIN          3 /* role admin */
#define REEL_ACCESS_OWNER_OR_ADMIN 4 /* signed in; the plugin checks ownership
                                        against caller_user_id unless the
                                        caller_role is "admin" */
#define REEL_ACCESS_INTERNAL       5 /* only over the bus, never from outside */

/* ---- Caller roles (reel_request.caller_role, reel_http_request.caller_role) -
 * The values the host passes; an access token's "role" claim is one of the
 * first three. Header only: strings, no layout (since 1.2). */
#define REEL_ROLE_ANONYMOUS ""         /* not signed in */
#define REEL_ROLE_VIEWER    "viewer"
#define REEL_ROLE_CREATOR   "creator"
#define REEL_ROLE_ADMIN     "admin"
#define REEL_ROLE_INTERNAL  "internal" /* another plugin, over the bus */

/* ---- Descriptor flags ------------------------------------------------------ */
/* The plugin leaves no threads, callbacks or borrowed pointers behind after
 * shutdown() returns, so the host may dlclose() it. Without this flag the
 * host never unmaps the library (always the case for Swift plugins: the Swift
 * runtime keeps pointers into every image it has seen). */
#define REEL_PLUGIN_UNLOADABLE 0x1u

/* ---- Magic: the compatibility check run before any other plugin code ----- */
/* Exposed through a function because dlsym is only guaranteed for functions.
 * Four uint32_t fields: no padding. */
typedef struct reel_magic {
    uint32_t magic;           /* REEL_MAGIC */
    uint32_t abi_major;       /* REEL_ABI_MAJOR the plugin was built with */
    uint32_t abi_minor;       /* REEL_ABI_MINOR the plugin was built with */
    uint32_t descriptor_size; /* sizeof(reel_plugin_descriptor) it was built with */
} reel_magic;

/* Put this once in a C plugin (like PostgreSQL's PG_MODULE_MAGIC). */
#ifdef __cplusplus
#define REEL_EXTERN_C extern "C"
#else
#define REEL_EXTERN_C
#endif
#define REEL_PLUGIN_MAGIC_DEFINE                                             \
    REEL_EXTERN_C __attribute__((visibility("default"))) const reel_magic *  \
    reel_plugin_magic(void) {                                                \
        static const reel_magic m = {REEL_MAGIC, REEL_ABI_MAJOR,             \
                                     REEL_ABI_MINOR,                         \
                                     (uint32_t)sizeof(                       \
                                         reel_plugin_descriptor)};           \
        return &m;                                                           \
    }

/* ---- Opaque host objects ------------------------------------------------- */
/* One per loaded plugin generation; passed back on every host call. */
typedef struct reel_host reel_host;
/* One per incoming call; completed by exactly one api->reply(). */
typedef struct reel_reply reel_reply;

/* ---- A call to one of the plugin's methods ------------------------------ */
/* Everything here is owned by the host and valid until api->reply() is
 * called for the matching reel_reply. The payload is always the protobuf
 * encoding of the method's input message, whether the call came from
 * HTTP/JSON, from /rpc, or from another plugin over the bus. */
typedef struct reel_request {
    uint32_t struct_size;
    uint32_t method_index;        /* index into descriptor->methods */
    const char *method;           /* "reel.hello.v1.HelloService/Greet" */
    const uint8_t *payload;       /* protobuf bytes, may be NULL when len 0 */
    size_t payload_len;
    const char *request_id;       /* for logs; never NULL */
    const char *caller_user_id;   /* "" when anonymous; never NULL */
    const char *caller_role;      /* "", "viewer", "creator", "admin" or
                                     "internal" (another plugin) */

    /* -- since 1.1 (check struct_size before reading) -- */
    const char *client_address;   /* the outside client's IP address as the
                                     host saw it ("" over the bus); never NULL */
} reel_request;

/* ---- HTTP routes (since 1.2) --------------------------------------------
 * For what does not fit protobuf-in/protobuf-out: large or streamed request
 * bodies (uploads), custom statuses and headers (tus), files answered with
 * sendfile (media segments). The host still routes and checks access; the
 * plugin sees the raw request and streams the body in chunks. */

/* One per HTTP route request; answered by exactly one api->http_reply or
 * api->http_reply_fd, from any thread, at any time after http_begin starts. */
typedef struct reel_http_exchange reel_http_exchange;

typedef struct reel_http_header {
    const char *name;   /* lower-case in requests */
    const char *value;
} reel_http_header;

/* Owned by the host; valid until http_end() returns (or, when http_begin
 * returns non-zero, until http_begin returns). */
typedef struct reel_http_request {
    uint32_t struct_size;
    uint32_t route_index;            /* index into descriptor->http_routes */
    const char *method;              /* "PATCH" */
    const char *path;                /* raw, percent-encoded, no query */
    const char *query;               /* raw query string without '?', "" if none */
    const reel_http_header *headers; /* header names lower-case */
    size_t header_count;
    const reel_http_header *params;  /* decoded {name} path parameters */
    size_t param_count;
    int64_t content_length;          /* -1 when unknown (chunked) */
    const char *request_id;
    const char *caller_user_id;      /* "" when anonymous */
    const char *caller_role;
    const char *client_address;
} reel_http_request;

typedef struct reel_http_route_def {
    const char *http_method;  /* "GET", "HEAD", "POST", "PUT", "PATCH",
                                 "DELETE" or "OPTIONS"; GET also answers HEAD */
    const char *path;         /* pattern, e.g. "/api/v1/uploads/{id}". A
                                 last segment "{name...}" matches the rest of
                                 the path: one or more segments, each
                                 percent-decoded and refused (400) if it is
                                 "." or ".." or holds "/" or NUL, joined with
                                 "/" into the param `name`. (Hosts before the
                                 catch-all took it as a one-segment param.) */
    int32_t access;           /* REEL_ACCESS_* (not INTERNAL) */
    uint32_t flags;           /* 0, or REEL_HTTP_ROUTE_* (since 1.3) */
    uint64_t max_body_bytes;  /* larger bodies get 413 before any byte is
                                 read; 0 = the host's REEL_MAX_BODY_BYTES */
} reel_http_route_def;

/* Since 1.3: the route is `POST /rpc/<method>` of a server-streaming method
 * listed in `methods` (for its access and message descriptors), and the host
 * speaks the Connect streaming protocol for it: it accepts
 * application/connect+proto or +json, unwraps the request's envelope (JSON
 * transcoded to protobuf), so http_body receives the input message's
 * protobuf encoding; the plugin answers with http_stream_start, sends each
 * output message with http_stream_message and ends with http_stream_finish. */
#define REEL_HTTP_ROUTE_CONNECT_STREAM 0x1u

/* Result of api->bus_call(). Called exactly once, on a host thread, possibly
 * before bus_call returns. `message` and `payload` are valid only during the
 * callback. `payload` is the protobuf output message when status is REEL_OK. */
typedef void (*reel_bus_callback)(void *user_data, int32_t status,
                                  const char *message, const uint8_t *payload,
                                  size_t payload_len);

/* ---- The table of host functions ------------------------------------------ */
/* Owned by the host, valid from init() until shutdown() returns. */
typedef struct reel_host_api {
    uint32_t struct_size;
    uint32_t abi_minor; /* the host's REEL_ABI_MINOR */

    /* -- since 1.0 -- */

    /* One log line, tagged by the host with the plugin name and version.
     * `message` is copied before return. */
    void (*log)(reel_host *host, int32_t level, const char *message);

    /* Configuration by key, e.g. "REEL_DATABASE_URL", "REEL_DATA_DIR".
     * Returns NULL when unset. The string is owned by the host and valid
     * until shutdown() returns. */
    const char *(*config_get)(reel_host *host, const char *key);

    /* Completes a call. `status` is a REEL_* code; `message` is a short
     * human-readable error (NULL when OK); `payload` is the protobuf output
     * message (when OK). All are copied before return. Callable from any
     * thread, exactly once per reel_reply. */
    void (*reply)(reel_reply *reply, int32_t status, const char *message,
                  const uint8_t *payload, size_t payload_len);

    /* Calls a method of any plugin ("package.Service/Method") with a protobuf
     * payload (copied before return). The callee sees caller_role "internal".
     * The result arrives through `callback` (see reel_bus_callback); an
     * unknown method answers REEL_UNIMPLEMENTED. */
    void (*bus_call)(reel_host *host, const char *method,
                     const uint8_t *payload, size_t payload_len,
                     reel_bus_callback callback, void *user_data);

    /* Publishes an event (protobuf payload, copied) to every plugin that lists
     * `topic` in its subscriptions. Asynchronous; returns the number of
     * subscribers it was queued for. */
    int32_t (*publish)(reel_host *host, const char *topic,
                       const uint8_t *payload, size_t payload_len);

    /* -- since 1.2 (check abi_minor >= 2) -- */

    /* Answers an HTTP route request: status, headers (copied), body (copied).
     * Exactly once per exchange; after an aborted exchange it is discarded.
     * The host writes Content-Length itself; a 304 (no body) may give one,
     * the length a 200 would have had, which the host then sends. */
    void (*http_reply)(reel_http_exchange *exchange, int32_t status,
                       const reel_http_header *headers, size_t header_count,
                       const uint8_t *body, size_t body_len);

    /* Answers with `length` bytes of the open regular file `fd` starting at
     * `offset`, sent by the kernel (sendfile). The host owns `fd` from this
     * call on and closes it, whatever happens. */
    void (*http_reply_fd)(reel_http_exchange *exchange, int32_t status,
                          const reel_http_header *headers, size_t header_count,
                          int32_t fd, uint64_t offset, uint64_t length);

    /* -- since 1.3 (check abi_minor >= 3): streamed responses -- */

    /* Answers an HTTP route request with a body written over time instead of
     * http_reply (see "Streamed responses" below): status and headers
     * (copied) go out at once, the body follows as the plugin writes it
     * (chunked transfer coding). Returns REEL_STREAM_OK, or
     * REEL_STREAM_CLOSED if the exchange was already answered or is gone. */
    int32_t (*http_stream_start)(reel_http_exchange *exchange, int32_t status,
                                 const reel_http_header *headers, size_t header_count);

    /* Appends `len` bytes (copied) to a started stream's body. Any thread.
     * REEL_STREAM_OK; REEL_STREAM_FULL when the host already holds
     * REEL_STREAM_BUFFER_BYTES for a client that reads too slowly (nothing
     * is written: drop the data or end the stream); REEL_STREAM_CLOSED once
     * the stream has ended. */
    int32_t (*http_stream_write)(reel_http_exchange *exchange, const uint8_t *data, size_t len);

    /* Ends the body after what is buffered. Any thread; idempotent. The
     * descriptor's http_stream_closed follows. */
    void (*http_stream_end)(reel_http_exchange *exchange);

    /* For a REEL_HTTP_ROUTE_CONNECT_STREAM route: sends one output message
     * (its protobuf encoding, copied); the host frames it as a Connect
     * envelope, transcoded to JSON when the client asked for
     * application/connect+json. Same results as http_stream_write. */
    int32_t (*http_stream_message)(reel_http_exchange *exchange, const uint8_t *payload, size_t len);

    /* For a REEL_HTTP_ROUTE_CONNECT_STREAM route: ends the stream with the
     * Connect end-of-stream message, `status` REEL_OK or an error code with
     * `message` (copied). A stream the host ends (stop, hot-swap) ends with
     * REEL_UNAVAILABLE. */
    void (*http_stream_finish)(reel_http_exchange *exchange, int32_t status, const char *message);

    /* Spare slot: NULL until a later minor version gives it a meaning. */
    void *spare[1];

    /* -- since 1.4 (check abi_minor >= 4): appended after `spare`, so the
     *    table is larger than 1.0-1.3's; a plugin built against an older
     *    header never reads past `spare` (the host owns the table) -- */

    /* The plugin's own Prometheus metrics (see "Plugin metrics" below). A
     * table of its own, with its own struct_size, so metrics can grow
     * without touching this one. Host-owned, valid for the whole process. */
    const struct reel_metrics_api *metrics;

    /* Trace context on the plugin's own threads. While a host thread runs
     * plugin code for a traced call, event or HTTP exchange (handle,
     * on_event, the http_* hooks), what the plugin does from that thread
     * carries the trace by itself: log lines get traceId/spanId, bus calls
     * become child spans, events are delivered with it. Work handed to the
     * plugin's own threads takes it along with these two. */

    /* Copies the W3C traceparent ("00-<trace id>-<span id>-<flags>", 55
     * characters) of what the calling thread runs plugin code for into
     * `buffer` (NUL-terminated when `size` > 0; `buffer` may be NULL when
     * `size` is 0) and returns its length; 0 when the thread runs none. */
    size_t (*trace_current)(reel_host *host, char *buffer, size_t size);

    /* Makes the calling thread (one of the plugin's own) work for
     * `traceparent` (as trace_current gave it; copied) until the next
     * trace_adopt on it: its log lines, bus calls and events carry that
     * trace. NULL, "" or an invalid value clears it. The trace a host thread
     * runs plugin code for comes first. */
    void (*trace_adopt)(reel_host *host, const char *traceparent);
} reel_host_api;

/* ---- Plugin metrics (since 1.4) -------------------------------------------
 * A plugin registers counters, gauges and histograms by name, then updates
 * series by label values; the host serves them on /metrics beside its own.
 *
 * Names: `reel_` then [a-z0-9_] (Prometheus charset, snake_case), at most
 * 128 bytes. Counters end in `_total`; gauges and histograms do not, nor in
 * `_bucket`, `_sum`, `_count` or `_info`. The host's own families
 * (`reel_bus_*`, `reel_plugin_*`) are refused, and so is a name another
 * plugin registered first. Label names: [a-zA-Z_][a-zA-Z0-9_]*, not `__*`,
 * not `le` (histograms), no duplicates, at most 8.
 *
 * Hot-swap: metrics belong to the plugin *name*, not to a generation. The
 * same plugin registering the same name again (a new generation, or twice)
 * with the same kind, label names and buckets gets the same handle and so
 * the same series: counters go on counting across a swap, with no duplicate
 * series. A different kind, label set or buckets is refused (the old series
 * stay as they are until the host restarts).
 *
 * Handles: a reel_metric is host-owned and never freed: it stays valid for
 * the whole process, so a handle kept by a retired (even dlclose'd)
 * generation is harmless. Registration returns NULL when refused (the host
 * logs why); every update function accepts NULL and does nothing.
 *
 * Updates are thread-safe and cheap (one short lock); call them from any
 * thread. `label_values` has exactly the registered label count (a
 * mismatch is dropped and logged once per metric); values are copied. A
 * metric holds at most REEL_METRIC_MAX_SERIES label sets; updates of new
 * label sets beyond that are dropped (logged once): label values must come
 * from a small fixed set (a state, a rung), never from user input. */
typedef struct reel_metric reel_metric;

#define REEL_METRIC_COUNTER   1
#define REEL_METRIC_GAUGE     2
#define REEL_METRIC_HISTOGRAM 3
#define REEL_METRIC_MAX_SERIES 1000

typedef struct reel_metrics_api {
    uint32_t struct_size;
    uint32_t reserved0; /* 0 */

    /* Registers (or finds again, see Hot-swap) a metric of `kind`
     * (REEL_METRIC_*). `help` is one line of text; `label_names` holds
     * `label_count` names (NULL when 0); `buckets` holds `bucket_count`
     * strictly increasing finite upper bounds for a histogram (NULL or 0
     * count: the host's default duration buckets, 5 ms .. 10 s), and must be
     * NULL/0 for the other kinds. Everything is copied before return.
     * Returns the handle, or NULL when refused. */
    reel_metric *(*register_metric)(reel_host *host, int32_t kind,
                                    const char *name, const char *help,
                                    const char *const *label_names, size_t label_count,
                                    const double *buckets, size_t bucket_count);

    /* Counter: adds `value` (>= 0; a negative or non-finite value is
     * dropped). Gauge: adds `value` (may be negative). */
    void (*add)(reel_metric *metric, const char *const *label_values,
                size_t label_count, double value);

    /* Gauge: sets the series to `value`. Ignored for other kinds. */
    void (*set)(reel_metric *metric, const char *const *label_values,
                size_t label_count, double value);

    /* Histogram: records one observation. Ignored for other kinds. */
    void (*observe)(reel_metric *metric, const char *const *label_values,
                    size_t label_count, double value);

    void *spare[4]; /* NULL until a later minor gives them a meaning */
} reel_metrics_api;

/* ---- Streamed responses (since 1.3) ---------------------------------------
 * For Server-Sent Events and server streaming: a raw route answers with
 * api->http_stream_start (from http_begin, http_end or later, any thread),
 * writes with api->http_stream_write from any thread, and ends with
 * api->http_stream_end. The host holds the connection without an HTTP
 * thread (it is suspended while nothing is buffered) and buffers at most
 * REEL_STREAM_BUFFER_BYTES per stream.
 *
 * A stream also ends when the client goes away, when the host stops
 * (graceful shutdown ends every stream after what is buffered) and when the
 * plugin's generation is replaced by a hot-swap (its streams end, so clients
 * reconnect to the new generation). libmicrohttpd does not poll a suspended
 * connection, so the host checks the socket of every idle stream about
 * twice a second and ends the stream when the client hung up; a client that
 * vanished without closing (a dead network) is only noticed by a write:
 * still send a heartbeat every few seconds.
 * However it ends, the host then calls the descriptor's http_stream_closed
 * once, on a host thread; from then on the exchange is invalid (writes
 * answer REEL_STREAM_CLOSED). The generation stays in flight while any of
 * its streams is open. */
#define REEL_STREAM_OK     0
#define REEL_STREAM_FULL   1 /* nothing written: the client reads too slowly */
#define REEL_STREAM_CLOSED 2 /* nothing written: the stream has ended */
#define REEL_STREAM_BUFFER_BYTES (256u * 1024u)

/* ---- What a plugin offers ---------------------------------------------- */

/* A bus method: one protobuf-in, protobuf-out operation. It is reachable over
 * the bus at `name`, and from outside (unless REEL_ACCESS_INTERNAL) at
 * POST /rpc/<name> with the Connect unary protocol. */
typedef struct reel_method_def {
    const char *name;   /* "reel.hello.v1.HelloService/Greet" */
    int32_t access;     /* REEL_ACCESS_* */
    /* Optional `const ProtobufCMessageDescriptor *` of the input and output
     * messages, from the plugin's protobuf-c generated code. With them the
     * host validates protobuf bodies and transcodes JSON; without them the
     * method takes application/proto only. Valid for the plugin's lifetime. */
    const void *input_descriptor;
    const void *output_descriptor;
} reel_method_def;

/* A JSON route for the web: `http_method path` ends in the bus method
 * `method`. The host builds the input message from the JSON body, then the
 * query string, then `{field}` path segments (which win), and answers the
 * output message as JSON with `success_status`. */
typedef struct reel_route_def {
    const char *http_method;  /* "GET", "POST", "PATCH", "PUT", "DELETE" */
    const char *path;         /* "/api/v1/hello/{name}" */
    const char *method;       /* a name from the methods table */
    int32_t success_status;   /* 200, 201 or 204 (no body) */
} reel_route_def;

/* The plugin's descriptor, returned by reel_plugin_entry(). Static data: it
 * and everything it points to stay valid while the library is loaded. */
typedef struct reel_plugin_descriptor {
    uint32_t struct_size;
    uint32_t flags;            /* REEL_PLUGIN_* */
    const char *name;          /* [a-z0-9-]+, unique in a host */
    const char *version;       /* free-form, e.g. "1.2.0" */
    const char *description;

    /* Called once after loading. Returns 0 and sets *state on success; any
     * other value refuses the plugin (the host logs it and keeps the previous
     * generation, if any). `host` and `api` stay valid until shutdown()
     * returns. The plugin must not serve calls before init returns. */
    int32_t (*init)(reel_host *host, const reel_host_api *api, void **state);

    /* Called once, after the last in-flight call of this generation has been
     * replied to. The plugin stops its threads and frees its state. */
    void (*shutdown)(void *state);

    /* Serves one call of one of `methods`; replies through api->reply(). */
    void (*handle)(void *state, const reel_request *request, reel_reply *reply);

    /* Receives an event of one of `subscriptions`. Called on a host thread,
     * one event at a time per plugin, in publishing order. `topic` and
     * `payload` are valid during the call only. May be NULL. */
    void (*on_event)(void *state, const char *topic, const uint8_t *payload,
                     size_t payload_len);

    const reel_method_def *methods;
    uint32_t method_count;
    const reel_route_def *routes;
    uint32_t route_count;
    const char *const *subscriptions;
    uint32_t subscription_count;

    /* -- since 1.2 (were reserved, NULL, before) -- */

    const reel_http_route_def *http_routes;
    size_t http_route_count;

    /* An HTTP route request whose caller passed the route's access check,
     * before any body byte. Return 0 to receive the body (http_body, then
     * http_end); return non-zero after replying to refuse it (the body is
     * discarded and http_end is not called). `*exchange_state` is the
     * plugin's, handed back to http_body and http_end. Runs on a host I/O
     * thread: be quick. */
    int32_t (*http_begin)(void *state, const reel_http_request *request,
                          reel_http_exchange *exchange, void **exchange_state);

    /* The next chunk of the body, in order, on a host I/O thread: store it
     * and return (a chunk is valid during the call only). Return non-zero to
     * stop receiving: the rest is discarded and http_end follows. */
    int32_t (*http_body)(void *exchange_state, const uint8_t *data, size_t len);

    /* The body is complete (aborted == 0), or the client went away first
     * (aborted != 0). The plugin replies if it has not (a reply after an
     * abort is discarded but still required) and frees exchange_state. */
    void (*http_end)(void *exchange_state, int32_t aborted);

    /* -- since 1.3 (was reserved, NULL, before) -- */

    /* A stream this plugin started (api->http_stream_start) is over: ended
     * by the plugin, the client gone, the host stopping or this generation
     * replaced. Called once per stream, on a host thread; `exchange` is
     * invalid after it returns. May be NULL if the plugin never streams. */
    void (*http_stream_closed)(void *state, reel_http_exchange *exchange);

    void *reserved[2]; /* NULL */
} reel_plugin_descriptor;

/* -- since 1.2 (header only) -- */

/* ABI 1.0's descriptor size (name .. subscription_count, then 8 reserved
 * pointers). Hosts accept any struct_size at least this large and read only
 * the fields a plugin's struct_size covers. */
#define REEL_PLUGIN_DESCRIPTOR_SIZE_1_0                                       \
    (offsetof(reel_plugin_descriptor, http_routes) + 8 * sizeof(void *))

/* Boilerplate for C authors (nginx's NGX_MODULE_V1 is the model): opens a
 * descriptor initializer so a plugin writes names and handlers, never
 * struct_size:
 *   static const reel_plugin_descriptor d = { REEL_PLUGIN_DESCRIPTOR_V1,
 *       .name = "x", .init = x_init, ... }; */
#define REEL_PLUGIN_DESCRIPTOR_V1 .struct_size = (uint32_t)sizeof(reel_plugin_descriptor)

/* A table field and its count from one static array (header only, since 1.3):
 *   REEL_PLUGIN_METHODS(methods), REEL_PLUGIN_ROUTES(routes),
 *   REEL_PLUGIN_SUBSCRIPTIONS(topics), REEL_PLUGIN_HTTP_ROUTES(http_routes) */
#define REEL_COUNT_OF(array) (sizeof(array) / sizeof((array)[0]))
#define REEL_PLUGIN_METHODS(array)                                            \
    .methods = (array), .method_count = (uint32_t)REEL_COUNT_OF(array)
#define REEL_PLUGIN_ROUTES(array)                                             \
    .routes = (array), .route_count = (uint32_t)REEL_COUNT_OF(array)
#define REEL_PLUGIN_SUBSCRIPTIONS(array)                                      \
    .subscriptions = (array), .subscription_count = (uint32_t)REEL_COUNT_OF(array)
#define REEL_PLUGIN_HTTP_ROUTES(array)                                        \
    .http_routes = (array), .http_route_count = REEL_COUNT_OF(array)

/* Defines the exported reel_plugin_entry() returning `descriptor` (a static
 * reel_plugin_descriptor), the companion of REEL_PLUGIN_MAGIC_DEFINE. */
#define REEL_PLUGIN_ENTRY(descriptor)                                         \
    __attribute__((visibility("default"))) const reel_plugin_descriptor *     \
    reel_plugin_entry(void) {                                                 \
        return &(descriptor);                                                 \
    }

/* The two exported functions. */
typedef const reel_magic *(*reel_plugin_magic_fn)(void);
typedef const reel_plugin_descriptor *(*reel_plugin_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* REEL_PLUGIN_H */
