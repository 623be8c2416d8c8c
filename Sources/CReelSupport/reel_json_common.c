/* Helpers shared by both directions of the JSON <-> protobuf conversion: error messages
 * with field paths, JSON names, field storage sizes, map detection. */
#include "reel_json_internal.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void reel_json__ctx_init(reel_json__ctx *c, char *err, size_t err_size) {
    c->err = err_size ? err : NULL;
    c->err_size = err ? err_size : 0;
    c->path[0] = '\0';
    c->path_len = 0;
    if (c->err) c->err[0] = '\0';
}

int reel_json__fail(reel_json__ctx *c, int code, const char *fmt, ...) {
    if (c->err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->err, c->err_size, fmt, ap);
        va_end(ap);
    }
    return code;
}

int reel_json__fail_field(reel_json__ctx *c, int code, const char *fmt, ...) {
    if (c->err) {
        char msg[512];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        snprintf(c->err, c->err_size, "field '%s': %s", c->path, msg);
    }
    return code;
}

int reel_json__too_deep(reel_json__ctx *c) {
    const char *p = c->path;
    size_t n = c->path_len;
    if (n <= 120)
        return reel_json__fail(c, REEL_JSON_EINVALID, "messages nested deeper than %d levels at '%s'",
                               REEL_JSON_MAX_DEPTH, p);
    return reel_json__fail(c, REEL_JSON_EINVALID, "messages nested deeper than %d levels at '%.40s...%s'",
                           REEL_JSON_MAX_DEPTH, p, p + n - 60);
}

/* Appends printf output to the path, truncating silently when it is full. */
static size_t path_append(reel_json__ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static size_t path_append(reel_json__ctx *c, const char *fmt, ...) {
    size_t mark = c->path_len;
    size_t room = sizeof c->path - c->path_len;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(c->path + c->path_len, room, fmt, ap);
    va_end(ap);
    if (n > 0) c->path_len += (size_t)n < room ? (size_t)n : room - 1;
    return mark;
}

/* Appends n bytes to the path, truncating silently when it is full. The
 * path is kept for every field converted (it names the field in an error),
 * so these run per field: memcpy, never printf. */
static void path_put(reel_json__ctx *c, const char *s, size_t n) {
    size_t room = sizeof c->path - 1 - c->path_len;
    if (n > room) n = room;
    memcpy(c->path + c->path_len, s, n);
    c->path_len += n;
    c->path[c->path_len] = '\0';
}

size_t reel_json__path_name(reel_json__ctx *c, const char *name, size_t name_len) {
    size_t mark = c->path_len;
    if (c->path_len) path_put(c, ".", 1);
    path_put(c, name, name_len > 200 ? 200 : name_len);
    return mark;
}

size_t reel_json__path_index(reel_json__ctx *c, size_t index) {
    size_t mark = c->path_len;
    char digits[24];
    size_t at = sizeof digits;
    digits[--at] = ']';
    do {
        digits[--at] = (char)('0' + index % 10);
        index /= 10;
    } while (index);
    digits[--at] = '[';
    path_put(c, digits + at, sizeof digits - at);
    return mark;
}

size_t reel_json__path_key(reel_json__ctx *c, const char *key) {
    return path_append(c, "[\"%.100s\"]", key);
}

void reel_json__path_pop(reel_json__ctx *c, size_t mark) {
    c->path_len = mark;
    c->path[mark] = '\0';
}

size_t reel_json__json_name(const char *proto_name, char *out, size_t out_size) {
    size_t n = 0;
    int upper_next = 0;
    for (const char *p = proto_name; *p; p++) {
        char ch = *p;
        if (ch == '_') {
            upper_next = 1;
            continue;
        }
        if (upper_next && ch >= 'a' && ch <= 'z') ch = (char)(ch - 'a' + 'A');
        upper_next = 0;
        if (n + 1 < out_size) out[n] = ch;
        n++;
    }
    if (out_size) out[n < out_size ? n : out_size - 1] = '\0';
    return n;
}

size_t reel_json__elem_size(ProtobufCType type) {
    switch (type) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32:
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32: return sizeof(uint32_t);
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64: return sizeof(uint64_t);
    case PROTOBUF_C_TYPE_FLOAT: return sizeof(float);
    case PROTOBUF_C_TYPE_DOUBLE: return sizeof(double);
    case PROTOBUF_C_TYPE_BOOL: return sizeof(protobuf_c_boolean);
    case PROTOBUF_C_TYPE_ENUM: return sizeof(uint32_t); /* protobuf-c forces int-sized enums */
    case PROTOBUF_C_TYPE_STRING: return sizeof(char *);
    case PROTOBUF_C_TYPE_BYTES: return sizeof(ProtobufCBinaryData);
    case PROTOBUF_C_TYPE_MESSAGE: return sizeof(ProtobufCMessage *);
    }
    return 0;
}

const ProtobufCMessageDescriptor *reel_json__map_entry(const ProtobufCMessageDescriptor *parent,
                                                       const ProtobufCFieldDescriptor *f) {
    if (f->label != PROTOBUF_C_LABEL_REPEATED || f->type != PROTOBUF_C_TYPE_MESSAGE) return NULL;
    const ProtobufCMessageDescriptor *e = f->descriptor;
    size_t sn = strlen(e->short_name), pn = strlen(parent->name);
    if (sn < 5 || strcmp(e->short_name + sn - 5, "Entry") != 0) return NULL;
    /* protoc nests the entry type in the message that holds the map. */
    if (strncmp(e->name, parent->name, pn) != 0 || e->name[pn] != '.') return NULL;
    if (e->n_fields != 2) return NULL;
    const ProtobufCFieldDescriptor *k = &e->fields[0], *v = &e->fields[1];
    if (k->id != 1 || v->id != 2 || strcmp(k->name, "key") != 0 || strcmp(v->name, "value") != 0)
        return NULL;
    if (k->label == PROTOBUF_C_LABEL_REPEATED || v->label == PROTOBUF_C_LABEL_REPEATED) return NULL;
    switch (k->type) {
    case PROTOBUF_C_TYPE_FLOAT:
    case PROTOBUF_C_TYPE_DOUBLE:
    case PROTOBUF_C_TYPE_BYTES:
    case PROTOBUF_C_TYPE_ENUM:
    case PROTOBUF_C_TYPE_MESSAGE: return NULL;
    default: return e;
    }
}

void reel_json_free(void *p) { free(p); }

int reel_proto_validate(const ProtobufCMessageDescriptor *desc, const uint8_t *data, size_t len,
                        char *err, size_t err_size) {
    reel_json__ctx c;
    reel_json__ctx_init(&c, err, err_size);
    static const uint8_t empty[1];
    if (!desc || (!data && len)) return reel_json__fail(&c, REEL_JSON_EUSAGE, "invalid arguments");
    ProtobufCMessage *m = protobuf_c_message_unpack(desc, NULL, len, data ? data : empty);
    if (!m) return reel_json__fail(&c, REEL_JSON_EINVALID, "bytes are not a valid %s message", desc->name);
    int rc = reel_json__check_strings(&c, m);
    protobuf_c_message_free_unpacked(m, NULL);
    return rc;
}
