/*
 * reel_plugin_errors.h — the one mapping of REEL_* status codes to HTTP
 * statuses and code names, and the web API's error body
 *
 *     {"error":{"code":"not_found","message":"...","requestId":"..."}}
 *
 * for C plugins' raw HTTP routes. The host's Swift code (module ReelABI)
 * calls these same functions, so host and plugins answer errors alike.
 *
 * A companion to reel_plugin.h, not part of the ABI: header only (static
 * inline), nothing crosses the host/plugin boundary through it.
 *
 *     reel_http_reply_error(api, exchange, 0, REEL_NOT_FOUND, "no such file", request->request_id);
 */
#ifndef REEL_PLUGIN_ERRORS_H
#define REEL_PLUGIN_ERRORS_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "reel_plugin.h"

/* The Connect protocol's name for a status ("not_found"); "unknown" for a
 * code outside the table. Static storage. */
static inline const char *reel_status_name(int32_t status) {
    static const char *const names[] = {
        "ok", "canceled", "unknown", "invalid_argument", "deadline_exceeded", "not_found",
        "already_exists", "permission_denied", "resource_exhausted", "failed_precondition",
        "aborted", "out_of_range", "unimplemented", "internal", "unavailable", "data_loss",
        "unauthenticated",
    };
    return status >= 0 && status <= REEL_UNAUTHENTICATED ? names[status] : "unknown";
}

/* The HTTP status a status code answers with (the Connect protocol's). */
static inline int32_t reel_status_http(int32_t status) {
    switch (status) {
    case REEL_OK: return 200;
    case REEL_CANCELED: return 499;
    case REEL_INVALID_ARGUMENT: case REEL_OUT_OF_RANGE: case REEL_FAILED_PRECONDITION: return 400;
    case REEL_DEADLINE_EXCEEDED: return 504;
    case REEL_NOT_FOUND: return 404;
    case REEL_ALREADY_EXISTS: case REEL_ABORTED: return 409;
    case REEL_PERMISSION_DENIED: return 403;
    case REEL_RESOURCE_EXHAUSTED: return 429;
    case REEL_UNIMPLEMENTED: return 501;
    case REEL_UNAVAILABLE: return 503;
    case REEL_UNAUTHENTICATED: return 401;
    default: return 500;
    }
}

/* Length of the valid UTF-8 sequence at s (1-4), or 0 if it is not one. */
static inline size_t reel_utf8_sequence(const unsigned char *s) {
    if (s[0] < 0x80) return 1;
    size_t n = s[0] >= 0xF5 ? 0 : s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80) return 0;
    if (n == 3 && ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0))) return 0; /* overlong, surrogate */
    if (n == 4 && ((s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90))) return 0;  /* overlong, > U+10FFFF */
    return n;
}

/* Writes `text` as the inside of a JSON string (no quotes) to out[0..cap),
 * NUL-terminated when cap > 0: quotes, backslashes and control characters
 * escaped, invalid UTF-8 replaced by U+FFFD. Returns the length the whole
 * text needs (without the NUL), like snprintf: the output was cut if that
 * is >= cap. NULL reads as "". */
static inline size_t reel_json_escape(char *out, size_t cap, const char *text) {
    static const char hex[] = "0123456789abcdef";
    size_t at = 0;
    const unsigned char *s = (const unsigned char *)(text ? text : "");
#define REEL_JSON_PUT_(c) do { char c_ = (char)(c); if (at + 1 < cap) out[at] = c_; at++; } while (0)
    while (*s) {
        size_t n = reel_utf8_sequence(s);
        if (n == 0) {
            const char *fffd = "\\ufffd";
            while (*fffd) REEL_JSON_PUT_(*fffd++);
            s++;
        } else if (*s == '"' || *s == '\\') {
            REEL_JSON_PUT_('\\');
            REEL_JSON_PUT_(*s++);
        } else if (*s < 0x20 || *s == 0x7F) {
            REEL_JSON_PUT_('\\'); REEL_JSON_PUT_('u'); REEL_JSON_PUT_('0'); REEL_JSON_PUT_('0');
            REEL_JSON_PUT_(hex[*s >> 4]); REEL_JSON_PUT_(hex[*s & 15]);
            s++;
        } else {
            for (size_t i = 0; i < n; i++) REEL_JSON_PUT_(*s++);
        }
    }
#undef REEL_JSON_PUT_
    if (cap > 0) out[at < cap ? at : cap - 1] = '\0';
    return at;
}

/* The error body for `status` into a malloc'ed, NUL-terminated string (the
 * caller frees it); NULL if out of memory. */
static inline char *reel_error_body(int32_t status, const char *message, const char *request_id) {
    static const char head[] = "{\"error\":{\"code\":\"", mid1[] = "\",\"message\":\"", mid2[] = "\",\"requestId\":\"",
                      tail[] = "\"}}";
    const char *code = reel_status_name(status);
    size_t message_len = reel_json_escape(NULL, 0, message), id_len = reel_json_escape(NULL, 0, request_id);
    size_t size = sizeof head + strlen(code) + sizeof mid1 + message_len + sizeof mid2 + id_len + sizeof tail;
    char *body = malloc(size);
    if (body == NULL) return NULL;
    size_t at = 0;
    memcpy(body + at, head, sizeof head - 1); at += sizeof head - 1;
    memcpy(body + at, code, strlen(code)); at += strlen(code);
    memcpy(body + at, mid1, sizeof mid1 - 1); at += sizeof mid1 - 1;
    at += reel_json_escape(body + at, size - at, message);
    memcpy(body + at, mid2, sizeof mid2 - 1); at += sizeof mid2 - 1;
    at += reel_json_escape(body + at, size - at, request_id);
    memcpy(body + at, tail, sizeof tail); /* with the NUL */
    return body;
}

/* Answers a raw HTTP route with the error body for `status`, with HTTP
 * status `http_status` (0: the status's own, reel_status_http). */
static inline void reel_http_reply_error(const reel_host_api *api, reel_http_exchange *exchange, int32_t http_status,
                                         int32_t status, const char *message, const char *request_id) {
    static const reel_http_header json[] = {{"Content-Type", "application/json"}};
    char *body = reel_error_body(status, message, request_id);
    int32_t code = http_status ? http_status : reel_status_http(status);
    api->http_reply(exchange, code, json, 1, (const uint8_t *)(body ? body : ""), body ? strlen(body) : 0);
    free(body);
}

#endif
