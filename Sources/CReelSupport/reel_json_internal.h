/* Shared by reel_json.c (JSON -> protobuf) and reel_json_print.c
 * (protobuf -> JSON). Not a public header. */
#ifndef REEL_JSON_INTERNAL_H
#define REEL_JSON_INTERNAL_H

#include "reel_json.h"
#include <string.h>

/* Error state of one call: the caller's buffer and the path of the field being
 * processed ("inner.child", "tags[2]", "counts[\"a\"]"), used in messages. */
typedef struct {
    char *err;
    size_t err_size;
    char path[512];
    size_t path_len;
} reel_json__ctx;

void reel_json__ctx_init(reel_json__ctx *c, char *err, size_t err_size);
/* Writes the message as is; returns code. */
int reel_json__fail(reel_json__ctx *c, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Writes "field '<path>': <message>"; returns code. */
int reel_json__fail_field(reel_json__ctx *c, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "messages nested deeper than 64 levels at '<path, shortened>'"; returns
 * REEL_JSON_EINVALID. */
int reel_json__too_deep(reel_json__ctx *c);
/* Appends to the path ("." before a name unless it is first); returns the
 * previous length for reel_json__path_pop. */
size_t reel_json__path_name(reel_json__ctx *c, const char *name, size_t name_len);
size_t reel_json__path_index(reel_json__ctx *c, size_t index);
size_t reel_json__path_key(reel_json__ctx *c, const char *key);
void reel_json__path_pop(reel_json__ctx *c, size_t mark);

/* Writes the JSON name (lowerCamelCase, as protoc's ToJsonName) of a proto
 * field name into out (truncated, always NUL-terminated); returns its length. */
size_t reel_json__json_name(const char *proto_name, char *out, size_t out_size);

/* Size of one stored value of a field type (a repeated field's element). */
size_t reel_json__elem_size(ProtobufCType type);

/* The map entry descriptor when f is a map field, else NULL. */
const ProtobufCMessageDescriptor *reel_json__map_entry(const ProtobufCMessageDescriptor *parent,
                                                       const ProtobufCFieldDescriptor *f);

/* True when the field's presence lives in a has_ flag at quantifier_offset. */
static inline int reel_json__has_flag(const ProtobufCFieldDescriptor *f) {
    return f->label == PROTOBUF_C_LABEL_OPTIONAL && !(f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
           f->type != PROTOBUF_C_TYPE_STRING && f->type != PROTOBUF_C_TYPE_MESSAGE;
}

/* 1 when s[0..n) is valid UTF-8, else 0 (reel_proto_utf8.c). */
int reel_json__utf8_valid(const unsigned char *s, size_t n);
/* REEL_JSON_OK when every string field of m (nested messages and map
 * entries included) is valid UTF-8, else REEL_JSON_EINVALID naming the field. */
int reel_json__check_strings(reel_json__ctx *c, const ProtobufCMessage *m);

static inline void *reel_json__member(const void *msg, unsigned offset) {
    return (char *)msg + offset;
}

#endif
