/* The worker threads and their job queue. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "watchlist.h"

void wl_log(const wl_state *s, int32_t level, const char *fmt, ...) {
    char line[1024];
    va_list args;
    va_start(args, fmt);
    vsnprintf(line, sizeof line, fmt, args);
    va_end(args);
    s->api->log(s->host, level, line);
}

void wl_pool_submit(wl_state *s, wl_job *job) {
    job->next = NULL;
    pthread_mutex_lock(&s->lock);
    if (s->tail) s->tail->next = job;
    else s->head = job;
    s->tail = job;
    pthread_cond_signal(&s->wake);
    pthread_mutex_unlock(&s->lock);
}

/* The next job, or NULL once stopping and the queue is empty. */
static wl_job *take(wl_state *s) {
    pthread_mutex_lock(&s->lock);
    while (s->head == NULL && !s->stopping) pthread_cond_wait(&s->wake, &s->lock);
    wl_job *job = s->head;
    if (job) {
        s->head = job->next;
        if (s->head == NULL) s->tail = NULL;
    }
    pthread_mutex_unlock(&s->lock);
    return job;
}

static void *worker_main(void *arg) {
    wl_worker *w = arg;
    wl_job *job;
    while ((job = take(w->s)) != NULL) {
        wl_run_job(w, job);
        free(job);
    }
    wl_db_close(w);
    return NULL;
}

int wl_pool_start(wl_state *s) {
    for (int i = 0; i < s->worker_count; i++) {
        wl_worker *w = &s->workers[i];
        w->s = s;
        w->index = i;
        if (wl_bus_init(w) != 0) break;
        if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
            wl_bus_destroy(w);
            break;
        }
        s->started++;
    }
    if (s->started == s->worker_count) return 0;
    wl_pool_stop(s);
    return -1;
}

void wl_pool_stop(wl_state *s) {
    pthread_mutex_lock(&s->lock);
    s->stopping = 1;
    pthread_cond_broadcast(&s->wake);
    pthread_mutex_unlock(&s->lock);
    for (int i = 0; i < s->started; i++) {
        pthread_join(s->workers[i].thread, NULL);
        wl_bus_destroy(&s->workers[i]);
    }
    s->started = 0;
}
