/* libcurl for Swift (ReelStorage's S3 client). curl_easy_setopt and
 * curl_easy_getinfo are C-variadic and do not import into Swift: these
 * typed wrappers do. Nothing here allocates; ownership is libcurl's own
 * (strings passed to setopt are copied by libcurl, header lists are not:
 * the caller frees them after the transfer). */
#ifndef REEL_CCURL_SHIM_H
#define REEL_CCURL_SHIM_H

#include <curl/curl.h>

/* CURL_GLOBAL_DEFAULT is a macro expression; call once before any handle. */
static inline CURLcode reel_curl_global_init(void) {
    return curl_global_init(CURL_GLOBAL_DEFAULT);
}

static inline CURLcode reel_curl_set_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode reel_curl_set_offset(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

/* libcurl copies the string (since 7.17), so it need only live for this call. */
static inline CURLcode reel_curl_set_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

/* The list must stay alive until the transfer ends. */
static inline CURLcode reel_curl_set_headers(CURL *handle, struct curl_slist *headers) {
    return curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers);
}

/* `context` must stay alive until the transfer ends. */
/* A list option other than headers (CURLOPT_MAIL_RCPT for SMTP); the list
 * must stay alive until the transfer ends. */
static inline CURLcode reel_curl_set_list(CURL *handle, CURLoption option, struct curl_slist *list) {
    return curl_easy_setopt(handle, option, list);
}

static inline CURLcode reel_curl_set_write(CURL *handle, curl_write_callback callback, void *context) {
    CURLcode rc = curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, callback);
    return rc != CURLE_OK ? rc : curl_easy_setopt(handle, CURLOPT_WRITEDATA, context);
}

static inline CURLcode reel_curl_set_read(CURL *handle, curl_read_callback callback, void *context) {
    CURLcode rc = curl_easy_setopt(handle, CURLOPT_READFUNCTION, callback);
    return rc != CURLE_OK ? rc : curl_easy_setopt(handle, CURLOPT_READDATA, context);
}

static inline CURLcode reel_curl_set_header_callback(CURL *handle, curl_write_callback callback, void *context) {
    CURLcode rc = curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, callback);
    return rc != CURLE_OK ? rc : curl_easy_setopt(handle, CURLOPT_HEADERDATA, context);
}

static inline CURLcode reel_curl_response_code(CURL *handle, long *code) {
    return curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, code);
}

#endif
