/* The watchlist plugin's state and its parts (watchlist.c, wl_pool.c,
 * wl_db.c, wl_bus.c, wl_http.c).
 *
 * Threads: the host calls handle(), on_event() and the http_* hooks on its
 * own threads; they only check input and queue a job. The plugin's worker
 * threads (REEL_WATCHLIST_WORKERS, default 2), each with its own libpq
 * connection, run the jobs: SQL, the bus calls to the video plugin (waited
 * for on the worker), and the reply. shutdown() lets the workers finish the
 * queue, joins them and closes their connections: nothing is left behind,
 * hence REEL_PLUGIN_UNLOADABLE. */
#ifndef WATCHLIST_H
#define WATCHLIST_H

#include <pthread.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

#include "reel_plugin.h"
#include "reel_plugin_metrics.h"
#include "wl_logic.h"

#define WL_NAME "watchlist"
#ifndef WL_VERSION
#define WL_VERSION "1.0.0"
#endif
#define WL_SCHEMA "watchlist"
#define WL_MAX_WORKERS 16
#define WL_DEFAULT_MAX_ENTRIES 5000
#define WL_DELETED_TOPIC "video.deleted"
#define WL_BATCH_METHOD "reel.video.v1.VideoService/BatchGetVideos"

typedef enum wl_job_kind {
    WL_JOB_ADD,
    WL_JOB_REMOVE,
    WL_JOB_LIST,
    WL_JOB_CONTAINS,      /* the bus method: answers WatchlistContainsResponse */
    WL_JOB_CONTAINS_HTTP, /* the raw route: answers a JSON object */
    WL_JOB_VIDEO_DELETED, /* an event: no reply */
    WL_JOB_MIGRATE,       /* init's schema migration: reports to state->migrated */
} wl_job_kind;

/* One unit of work for a worker. OWNERSHIP: the queue owns a job from
 * wl_pool_submit until a worker takes it; the worker frees it. */
typedef struct wl_state wl_state;

typedef struct wl_job {
    struct wl_job *next;
    wl_state *s;
    wl_job_kind kind;
    reel_reply *reply;             /* the bus call to answer (methods) */
    reel_http_exchange *exchange;  /* the HTTP exchange to answer (raw route) */
    char user_id[WL_UUID_LEN + 1]; /* canonical caller id */
    char role[32];                 /* caller_role, for the video plugin */
    char video_id[WL_UUID_LEN + 1];
    int64_t after;                 /* list: entries with seq < after; 0 = from the top */
    int32_t limit;                 /* list: page size */
    wl_id_list ids;                /* contains */
} wl_job;

/* One worker: its thread, its connection, its bus-call rendezvous. */
typedef struct wl_worker {
    wl_state *s;
    int index;
    pthread_t thread;
    void *conn; /* PGconn *, opened lazily by the worker, closed when it exits */

    pthread_mutex_t bus_lock; /* the rendezvous of wl_bus_call */
    pthread_cond_t bus_done;
    int bus_finished;
    int32_t bus_status;
    char bus_message[256];
    uint8_t *bus_payload; /* malloc'd copy of the answer */
    size_t bus_payload_len;
} wl_worker;

struct wl_state {
    reel_host *host;
    const reel_host_api *api;
    char database_url[2048];
    int64_t max_entries; /* REEL_WATCHLIST_MAX_ENTRIES */
    int worker_count;    /* REEL_WATCHLIST_WORKERS */
    /* reel_watchlist_changes_total{change="added"|"removed"} (ABI 1.4; NULL
     * on an older host). Host-owned, valid for the whole process. */
    reel_metric *changes;

    pthread_mutex_t lock; /* guards the queue and `stopping` */
    pthread_cond_t wake;
    wl_job *head, *tail;
    int stopping;
    wl_worker workers[WL_MAX_WORKERS];
    int started; /* threads running */
    int migrated;               /* 0 while init's migration runs, then 1 or -1 */
    pthread_cond_t migrate_done; /* signalled with `lock` held when migrated changes */
};

/* ---- wl_pool.c ---------------------------------------------------------- */
int wl_pool_start(wl_state *s);      /* 0, or -1 (threads that started are stopped) */
void wl_pool_stop(wl_state *s);      /* drains the queue, joins, closes connections */
void wl_pool_submit(wl_state *s, wl_job *job);
void wl_log(const wl_state *s, int32_t level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- wl_db.c ------------------------------------------------------------- */
/* The worker's connection, (re)opened when needed; NULL when PostgreSQL is
 * not reachable (logged). */
void *wl_db_conn(wl_worker *w);
void wl_db_close(wl_worker *w);
/* Applies pending migrations; 0 or -1 (logged). */
int wl_db_migrate(wl_worker *w);
/* Runs a job that needs the database, and replies. */
void wl_run_job(wl_worker *w, wl_job *job);

/* ---- wl_bus.c ------------------------------------------------------------ */
/* Calls a bus method and waits for the answer on this worker. Returns the
 * status; on REEL_OK w->bus_payload holds the answer (free with
 * wl_bus_release). */
int32_t wl_bus_call(wl_worker *w, const char *method, const uint8_t *payload, size_t len);
void wl_bus_release(wl_worker *w);
int wl_bus_init(wl_worker *w);
void wl_bus_destroy(wl_worker *w);

/* ---- replies (watchlist.c) ---------------------------------------------- */
void wl_reply_error(const wl_state *s, wl_job *job, int32_t status, const char *message);
void wl_reply_message(const wl_state *s, reel_reply *reply, const ProtobufCMessage *msg);

/* ---- wl_http.c: the raw route GET /api/v1/me/watchlist/contains ----------- */
enum { WL_HTTP_ROUTE_COUNT = 1 };
extern const reel_http_route_def wl_http_routes[WL_HTTP_ROUTE_COUNT];
int32_t wl_http_begin(void *state, const reel_http_request *request, reel_http_exchange *exchange,
                      void **exchange_state);
int32_t wl_http_body(void *exchange_state, const uint8_t *data, size_t len);
void wl_http_end(void *exchange_state, int32_t aborted);
void wl_http_reply_json(const wl_state *s, reel_http_exchange *ex, int status, const char *json, size_t len);
void wl_http_reply_error(const wl_state *s, reel_http_exchange *ex, int32_t code, const char *message);

#endif
