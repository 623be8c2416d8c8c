/* proto3 `string` fields must hold valid UTF-8 (a parser must refuse
 * anything else): protobuf-c does not check, so reel_proto_validate walks the
 * unpacked message and checks every string, nested messages and map entries
 * included. Used by the gateway on protobuf bodies from clients and on
 * protobuf answers from plugins. */
#include "reel_json_internal.h"

/* 1 when s[0..n) is valid UTF-8 (no overlong forms, surrogates or code
 * points above U+10FFFF), else 0. */
int reel_json__utf8_valid(const unsigned char *s, size_t n) {
    size_t i = 0;
    while (i < n) {
        unsigned char b = s[i];
        if (b < 0x80) { i++; continue; }
        size_t len;
        uint32_t cp;
        if (b >= 0xC2 && b <= 0xDF) len = 2, cp = b & 0x1F;
        else if (b >= 0xE0 && b <= 0xEF) len = 3, cp = b & 0x0F;
        else if (b >= 0xF0 && b <= 0xF4) len = 4, cp = b & 0x07;
        else return 0;
        if (n - i < len) return 0;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80) return 0;
            cp = cp << 6 | (s[i + k] & 0x3F);
        }
        if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
            return 0;
        i += len;
    }
    return 1;
}

static int check_string(reel_json__ctx *c, const char *s) {
    if (!s || reel_json__utf8_valid((const unsigned char *)s, strlen(s))) return REEL_JSON_OK;
    return reel_json__fail_field(c, REEL_JSON_EINVALID, "string is not valid UTF-8");
}

static int check_message(reel_json__ctx *c, const ProtobufCMessage *m, int depth);

static int check_value(reel_json__ctx *c, const ProtobufCFieldDescriptor *f, const void *p, int depth) {
    if (f->type == PROTOBUF_C_TYPE_STRING) return check_string(c, *(const char *const *)p);
    if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
        const ProtobufCMessage *sub = *(const ProtobufCMessage *const *)p;
        return sub ? check_message(c, sub, depth + 1) : REEL_JSON_OK;
    }
    return REEL_JSON_OK;
}

static int check_message(reel_json__ctx *c, const ProtobufCMessage *m, int depth) {
    if (depth > REEL_JSON_MAX_DEPTH) return reel_json__too_deep(c);
    const ProtobufCMessageDescriptor *d = m->descriptor;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        if (f->type != PROTOBUF_C_TYPE_STRING && f->type != PROTOBUF_C_TYPE_MESSAGE) continue;
        if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF &&
            *(const uint32_t *)reel_json__member(m, f->quantifier_offset) != f->id)
            continue;
        char name[256];
        size_t mark = reel_json__path_name(c, name, reel_json__json_name(f->name, name, sizeof name));
        int rc = REEL_JSON_OK;
        const void *p = reel_json__member(m, f->offset);
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t n = *(const size_t *)reel_json__member(m, f->quantifier_offset);
            const char *arr = *(const char *const *)p;
            for (size_t k = 0; k < n && rc == REEL_JSON_OK; k++) {
                size_t item = reel_json__path_index(c, k);
                rc = check_value(c, f, arr + k * sizeof(void *), depth);
                reel_json__path_pop(c, item);
            }
        } else {
            rc = check_value(c, f, p, depth);
        }
        reel_json__path_pop(c, mark);
        if (rc) return rc;
    }
    return REEL_JSON_OK;
}

int reel_json__check_strings(reel_json__ctx *c, const ProtobufCMessage *m) {
    return check_message(c, m, 1);
}
