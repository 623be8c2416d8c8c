/* protobuf -> JSON (reel_proto_to_json): protobuf-c unpacks the bytes and a
 * small emitter writes compact JSON. Not jansson's dumper: it prints every
 * real with "%.17g" (0.1 -> 0.10000000000000001, a float 0.1 ->
 * 0.10000000149011612); proto3 JSON wants the shortest round-trip form. */
#include "reel_json_internal.h"
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
    reel_json__ctx c;
    char *p;
    size_t len, cap;
    int oom;
} printer;

static void put(printer *o, const char *s, size_t n) {
    if (o->oom) return;
    if (o->cap - o->len < n + 1) {
        size_t cap = o->cap ? o->cap : 256;
        while (cap - o->len < n + 1) {
            if (cap > SIZE_MAX / 2) {
                o->oom = 1;
                return;
            }
            cap *= 2;
        }
        char *p = realloc(o->p, cap);
        if (!p) {
            o->oom = 1;
            return;
        }
        o->p = p;
        o->cap = cap;
    }
    memcpy(o->p + o->len, s, n);
    o->len += n;
    o->p[o->len] = '\0';
}

static void puts_(printer *o, const char *s) { put(o, s, strlen(s)); }

/* Decimal digits of v, by hand (snprintf's vfprintf was a visible share of
 * a catalog page's conversion); quoted when `quote` (64-bit integers are
 * JSON strings in proto3). */
static void put_u64(printer *o, uint64_t v, int negative, int quote) {
    char buf[24];
    size_t at = sizeof buf;
    if (quote) buf[--at] = '"';
    do {
        buf[--at] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    if (negative) buf[--at] = '-';
    if (quote) buf[--at] = '"';
    put(o, buf + at, sizeof buf - at);
}

static void put_i64(printer *o, int64_t v, int quote) {
    /* -(v + 1) + 1 avoids overflowing at INT64_MIN */
    if (v < 0) put_u64(o, (uint64_t)(-(v + 1)) + 1, 1, quote);
    else put_u64(o, (uint64_t)v, 0, quote);
}

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 when invalid
 * (overlong forms, surrogates and code points above U+10FFFF included). */
static size_t utf8_len(const unsigned char *s, size_t n) {
    unsigned char b = s[0];
    size_t len;
    uint32_t cp;
    if (b < 0x80) return 1;
    if (b >= 0xC2 && b <= 0xDF) len = 2, cp = b & 0x1F;
    else if (b >= 0xE0 && b <= 0xEF) len = 3, cp = b & 0x0F;
    else if (b >= 0xF0 && b <= 0xF4) len = 4, cp = b & 0x07;
    else return 0;
    if (n < len) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return len;
}

/* Writes s as a JSON string; returns 1 when s is not valid UTF-8. */
static int put_string(printer *o, const char *s) {
    const unsigned char *u = (const unsigned char *)s;
    size_t n = strlen(s);
    put(o, "\"", 1);
    size_t run = 0; /* start of the bytes not yet written */
    for (size_t i = 0; i < n;) {
        unsigned char ch = u[i];
        /* Plain ASCII (most text): nothing to escape or validate. */
        if (ch >= 0x20 && ch < 0x80 && ch != '"' && ch != '\\') {
            i++;
            continue;
        }
        const char *esc = NULL;
        char buf[8];
        if (ch == '"') esc = "\\\"";
        else if (ch == '\\') esc = "\\\\";
        else if (ch == '\n') esc = "\\n";
        else if (ch == '\r') esc = "\\r";
        else if (ch == '\t') esc = "\\t";
        else if (ch == '\b') esc = "\\b";
        else if (ch == '\f') esc = "\\f";
        else if (ch < 0x20) snprintf(buf, sizeof buf, "\\u%04x", ch), esc = buf;
        if (esc) {
            put(o, s + run, i - run);
            puts_(o, esc);
            run = ++i;
            continue;
        }
        size_t len = utf8_len(u + i, n - i);
        if (!len) return 1;
        i += len;
    }
    put(o, s + run, n - run);
    put(o, "\"", 1);
    return 0;
}

static void put_base64(printer *o, const ProtobufCBinaryData *b) {
    static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    put(o, "\"", 1);
    for (size_t i = 0; i < b->len; i += 3) {
        uint32_t v = (uint32_t)b->data[i] << 16;
        size_t left = b->len - i;
        if (left > 1) v |= (uint32_t)b->data[i + 1] << 8;
        if (left > 2) v |= b->data[i + 2];
        char q[4] = {digits[v >> 18 & 63], digits[v >> 12 & 63], left > 1 ? digits[v >> 6 & 63] : '=',
                     left > 2 ? digits[v & 63] : '='};
        put(o, q, 4);
    }
    put(o, "\"", 1);
}

/* Shortest "%.*g" form that reads back as the same value (float or double). */
static void put_real(printer *o, double d, int is_float) {
    char buf[40];
    if (isnan(d) || isinf(d)) {
        puts_(o, isnan(d) ? "\"NaN\"" : d > 0 ? "\"Infinity\"" : "\"-Infinity\"");
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, d);
        if (is_float ? strtof(buf, NULL) == (float)d : strtod(buf, NULL) == d) break;
    }
    puts_(o, buf);
}


static int print_message(printer *o, const ProtobufCMessage *m, int depth);

/* Prints one value of field f stored at p. */
static int print_value(printer *o, const ProtobufCFieldDescriptor *f, const void *p, int depth) {
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32: put_i64(o, *(const int32_t *)p, 0); return 0;
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32: put_u64(o, *(const uint32_t *)p, 0, 0); return 0;
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64: put_i64(o, *(const int64_t *)p, 1); return 0;
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64: put_u64(o, *(const uint64_t *)p, 0, 1); return 0;
    case PROTOBUF_C_TYPE_FLOAT: put_real(o, *(const float *)p, 1); return 0;
    case PROTOBUF_C_TYPE_DOUBLE: put_real(o, *(const double *)p, 0); return 0;
    case PROTOBUF_C_TYPE_BOOL:
        if (*(const protobuf_c_boolean *)p) put(o, "true", 4);
        else put(o, "false", 5);
        return 0;
    case PROTOBUF_C_TYPE_ENUM: {
        int32_t v = *(const int32_t *)p;
        const ProtobufCEnumValue *ev = protobuf_c_enum_descriptor_get_value(f->descriptor, v);
        if (ev) {
            put_string(o, ev->name); /* names are identifiers: ASCII */
            return 0;
        }
        put_i64(o, v, 0);
        return 0;
    }
    case PROTOBUF_C_TYPE_STRING: {
        const char *s = *(const char *const *)p;
        if (put_string(o, s ? s : ""))
            return reel_json__fail_field(&o->c, REEL_JSON_EINVALID, "string is not valid UTF-8");
        return 0;
    }
    case PROTOBUF_C_TYPE_BYTES: put_base64(o, p); return 0;
    case PROTOBUF_C_TYPE_MESSAGE: {
        const ProtobufCMessage *m = *(ProtobufCMessage *const *)p;
        if (m) return print_message(o, m, depth + 1);
        /* a map value that is absent on the wire: the default message */
        const ProtobufCMessageDescriptor *d = f->descriptor;
        ProtobufCMessage *empty = malloc(d->sizeof_message);
        if (!empty) return reel_json__fail(&o->c, REEL_JSON_ENOMEM, "out of memory");
        protobuf_c_message_init(d, empty);
        int rc = print_message(o, empty, depth + 1);
        free(empty);
        return rc;
    }
    default: return reel_json__fail_field(&o->c, REEL_JSON_EUSAGE, "unknown field type %d", (int)f->type);
    }
}

/* The text of an integer or bool map key (JSON map keys are strings). */
static void key_text(const ProtobufCFieldDescriptor *kf, const void *key, char *buf, size_t size) {
    switch (kf->type) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32: snprintf(buf, size, "%" PRId32, *(const int32_t *)key); break;
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32: snprintf(buf, size, "%" PRIu32, *(const uint32_t *)key); break;
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64: snprintf(buf, size, "%" PRId64, *(const int64_t *)key); break;
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64: snprintf(buf, size, "%" PRIu64, *(const uint64_t *)key); break;
    default: snprintf(buf, size, "%s", *(const protobuf_c_boolean *)key ? "true" : "false"); break;
    }
}

static int print_map(printer *o, const ProtobufCMessageDescriptor *entry, const void *p, size_t n, int depth) {
    const ProtobufCFieldDescriptor *kf = &entry->fields[0], *vf = &entry->fields[1];
    put(o, "{", 1);
    for (size_t i = 0; i < n; i++) {
        const ProtobufCMessage *e = (*(ProtobufCMessage *const *const *)p)[i];
        const char *key = *(const char *const *)reel_json__member(e, kf->offset);
        char text[32];
        if (kf->type != PROTOBUF_C_TYPE_STRING) {
            key_text(kf, reel_json__member(e, kf->offset), text, sizeof text);
            key = text;
        }
        if (!key) key = "";
        if (i) put(o, ",", 1);
        size_t mark = reel_json__path_key(&o->c, key);
        int rc = put_string(o, key) ? reel_json__fail_field(&o->c, REEL_JSON_EINVALID, "map key is not valid UTF-8")
                                    : 0;
        put(o, ":", 1);
        if (!rc) rc = print_value(o, vf, reel_json__member(e, vf->offset), depth);
        reel_json__path_pop(&o->c, mark);
        if (rc) return rc;
    }
    put(o, "}", 1);
    return 0;
}

static int print_field(printer *o, const ProtobufCMessage *m, const ProtobufCFieldDescriptor *f, int depth) {
    const void *p = reel_json__member(m, f->offset);
    const ProtobufCMessageDescriptor *entry = reel_json__map_entry(m->descriptor, f);
    if (f->label == PROTOBUF_C_LABEL_REPEATED) {
        size_t n = *(const size_t *)reel_json__member(m, f->quantifier_offset);
        if (entry) return print_map(o, entry, p, n, depth);
        const char *arr = *(const char *const *)p;
        size_t es = reel_json__elem_size(f->type);
        put(o, "[", 1);
        for (size_t i = 0; i < n; i++) {
            if (i) put(o, ",", 1);
            size_t mark = reel_json__path_index(&o->c, i);
            int rc = print_value(o, f, arr + i * es, depth);
            reel_json__path_pop(&o->c, mark);
            if (rc) return rc;
        }
        put(o, "]", 1);
        return 0;
    }
    int oneof = (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) != 0;
    int unset = 0; /* explicit presence, not present */
    if (reel_json__has_flag(f))
        unset = !*(const protobuf_c_boolean *)reel_json__member(m, f->quantifier_offset);
    else if (f->type == PROTOBUF_C_TYPE_MESSAGE)
        unset = !*(const void *const *)p;
    else if (f->type == PROTOBUF_C_TYPE_STRING && f->label == PROTOBUF_C_LABEL_OPTIONAL && !oneof)
        unset = !*(const void *const *)p;
    if (!unset) return print_value(o, f, p, depth);
    puts_(o, "null");
    return 0;
}

static int print_message(printer *o, const ProtobufCMessage *m, int depth) {
    if (depth > REEL_JSON_MAX_DEPTH)
        return reel_json__too_deep(&o->c);
    const ProtobufCMessageDescriptor *d = m->descriptor;
    int first = 1;
    put(o, "{", 1);
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF &&
            *(const uint32_t *)reel_json__member(m, f->quantifier_offset) != f->id)
            continue;
        /* The JSON name, once: the field's own when it has no '_' (most). */
        char buf[256];
        const char *name = f->name;
        size_t n = strlen(name);
        if (memchr(name, '_', n)) {
            n = reel_json__json_name(f->name, buf, sizeof buf);
            if (n >= sizeof buf) n = sizeof buf - 1;
            name = buf;
        }
        if (!first) put(o, ",", 1);
        first = 0;
        put(o, "\"", 1);
        put(o, name, n);
        put(o, "\":", 2);
        size_t mark = reel_json__path_name(&o->c, name, n);
        int rc = print_field(o, m, f, depth);
        reel_json__path_pop(&o->c, mark);
        if (rc) return rc;
    }
    put(o, "}", 1);
    return 0;
}

int reel_proto_to_json(const ProtobufCMessageDescriptor *desc, const uint8_t *data, size_t len, char **out_json,
                       char *err, size_t err_size) {
    printer o = {.p = NULL};
    reel_json__ctx_init(&o.c, err, err_size);
    static const uint8_t empty[1];
    if (out_json) *out_json = NULL;
    if (!desc || !out_json || (!data && len)) return reel_json__fail(&o.c, REEL_JSON_EUSAGE, "invalid arguments");
    ProtobufCMessage *m = protobuf_c_message_unpack(desc, NULL, len, data ? data : empty);
    if (!m) return reel_json__fail(&o.c, REEL_JSON_EINVALID, "bytes are not a valid %s message", desc->name);
    int rc = print_message(&o, m, 1);
    protobuf_c_message_free_unpacked(m, NULL);
    if (!rc && o.oom) rc = reel_json__fail(&o.c, REEL_JSON_ENOMEM, "out of memory");
    if (rc) {
        free(o.p);
        return rc;
    }
    *out_json = o.p;
    return REEL_JSON_OK;
}
