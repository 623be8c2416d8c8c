/* JSON -> protobuf (reel_json_to_proto): jansson parses the body, a message is
 * filled through protobuf-c's generic API (field offsets and quantifiers of
 * the descriptor), overrides are merged, and protobuf-c packs it.
 *
 * Memory: every value is malloc'd exactly as protobuf_c_message_unpack would
 * (strings, bytes data, arrays, sub-messages; unset strings keep the
 * descriptor's default pointer), so protobuf_c_message_free_unpacked releases
 * the message at any point, including half-way through an error. */
#include "reel_json_internal.h"
#include <jansson.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* One converted value, before it is stored in a message. */
typedef union {
    int32_t i32;
    uint32_t u32;
    int64_t i64;
    uint64_t u64;
    float f;
    double d;
    protobuf_c_boolean b;
    int32_t e;
    char *s;
    ProtobufCBinaryData bytes;
    ProtobufCMessage *msg;
} value;

static int fill_message(reel_json__ctx *c, ProtobufCMessage *msg, json_t *obj, int depth);

/* ---- describing JSON values in error messages ---- */

static const char *describe(const json_t *v, char *buf, size_t size) {
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_TRUE: return "true";
    case JSON_FALSE: return "false";
    case JSON_NULL: return "null";
    case JSON_INTEGER: snprintf(buf, size, "number %" JSON_INTEGER_FORMAT, json_integer_value(v)); return buf;
    case JSON_REAL: {
        double d = json_real_value(v);
        for (int prec = 1; prec <= 17; prec++) { /* shortest form that reads back */
            snprintf(buf, size, "number %.*g", prec, d);
            if (strtod(buf + 7, NULL) == d) break;
        }
        return buf;
    }
    case JSON_STRING: {
        const char *s = json_string_value(v);
        size_t n = json_string_length(v), cut = n > 60 ? 60 : n;
        while (cut < n && cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80) cut--; /* whole UTF-8 characters */
        snprintf(buf, size, "string \"%.*s%s\"", (int)cut, s, cut < n ? "..." : "");
        return buf;
    }
    }
    return "a value";
}

static int expected(reel_json__ctx *c, const char *what, const json_t *v) {
    char buf[128];
    return reel_json__fail_field(c, REEL_JSON_EINVALID, "expected %s, got %s", what, describe(v, buf, sizeof buf));
}

/* ---- numbers ---- */

/* Only these characters may reach strtod (no "inf", "nan", hex, spaces). */
static int plain_number(const char *s) {
    if (!*s) return 0;
    for (; *s; s++)
        if (!strchr("0123456789+-.eE", *s)) return 0;
    return 1;
}

static int integral(double d) {
    double a = d < 0 ? -d : d;
    return a >= 9007199254740992.0 /* 2^53: every such double is integral */ || (double)(int64_t)d == d;
}

/* Reads an integer as sign + magnitude, from a JSON integer, an integral real,
 * or a string holding either. Returns 1 when the value is not an integer,
 * 2 when it is beyond 64 bits. */
static int read_integer(const json_t *v, int *neg, uint64_t *mag) {
    double d;
    if (json_is_integer(v)) {
        json_int_t i = json_integer_value(v);
        *neg = i < 0;
        *mag = i < 0 ? (uint64_t)0 - (uint64_t)i : (uint64_t)i;
        return 0;
    }
    if (json_is_real(v)) {
        d = json_real_value(v);
    } else if (json_is_string(v)) {
        const char *s = json_string_value(v);
        const char *p = s + (*s == '-');
        if (*p >= '0' && *p <= '9' && strspn(p, "0123456789") == strlen(p)) {
            uint64_t m = 0;
            for (; *p; p++) {
                unsigned digit = (unsigned)(*p - '0');
                if (m > (UINT64_MAX - digit) / 10) return 2;
                m = m * 10 + digit;
            }
            *neg = *s == '-' && m != 0;
            *mag = m;
            return 0;
        }
        char *end;
        if (!plain_number(s)) return 1;
        d = strtod(s, &end);
        if (*end) return 1;
    } else {
        return 1;
    }
    if (d != d || !integral(d)) return 1;
    if (d <= -18446744073709551616.0 || d >= 18446744073709551616.0) return 2;
    *neg = d < 0;
    *mag = (uint64_t)(d < 0 ? -d : d);
    if (!*mag) *neg = 0;
    return 0;
}

static int out_of_range(reel_json__ctx *c, const json_t *v, const char *type_name) {
    char buf[128];
    return reel_json__fail_field(c, REEL_JSON_EINVALID, "%s is out of range for %s", describe(v, buf, sizeof buf),
                                 type_name);
}

static int convert_integer(reel_json__ctx *c, const ProtobufCFieldDescriptor *f, const json_t *v, value *out) {
    int neg = 0;
    uint64_t mag = 0;
    int r = read_integer(v, &neg, &mag);
    if (r == 1) return expected(c, "an integer", v);
    const char *name = NULL;
    uint64_t max_pos = 0, max_neg = 0; /* limits of the magnitude */
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT32: name = "int32"; max_pos = INT32_MAX; max_neg = (uint64_t)INT32_MAX + 1; break;
    case PROTOBUF_C_TYPE_SINT32: name = "sint32"; max_pos = INT32_MAX; max_neg = (uint64_t)INT32_MAX + 1; break;
    case PROTOBUF_C_TYPE_SFIXED32: name = "sfixed32"; max_pos = INT32_MAX; max_neg = (uint64_t)INT32_MAX + 1; break;
    case PROTOBUF_C_TYPE_UINT32: name = "uint32"; max_pos = UINT32_MAX; break;
    case PROTOBUF_C_TYPE_FIXED32: name = "fixed32"; max_pos = UINT32_MAX; break;
    case PROTOBUF_C_TYPE_INT64: name = "int64"; max_pos = INT64_MAX; max_neg = (uint64_t)INT64_MAX + 1; break;
    case PROTOBUF_C_TYPE_SINT64: name = "sint64"; max_pos = INT64_MAX; max_neg = (uint64_t)INT64_MAX + 1; break;
    case PROTOBUF_C_TYPE_SFIXED64: name = "sfixed64"; max_pos = INT64_MAX; max_neg = (uint64_t)INT64_MAX + 1; break;
    case PROTOBUF_C_TYPE_UINT64: name = "uint64"; max_pos = UINT64_MAX; break;
    case PROTOBUF_C_TYPE_FIXED64: name = "fixed64"; max_pos = UINT64_MAX; break;
    default: return reel_json__fail_field(c, REEL_JSON_EUSAGE, "not an integer field");
    }
    if (r == 2 || (neg ? mag > max_neg : mag > max_pos)) return out_of_range(c, v, name);
    if (max_pos == UINT32_MAX) out->u32 = (uint32_t)mag;
    else if (max_pos == UINT64_MAX) out->u64 = mag;
    else if (max_pos == INT32_MAX) out->i32 = neg ? (int32_t)(0 - (int64_t)(mag - 1) - 1) : (int32_t)mag;
    else out->i64 = neg ? -(int64_t)(mag - 1) - 1 : (int64_t)mag;
    return 0;
}

static int convert_float(reel_json__ctx *c, const ProtobufCFieldDescriptor *f, const json_t *v, value *out) {
    const char *s = json_is_string(v) ? json_string_value(v) : NULL;
    const char *name = f->type == PROTOBUF_C_TYPE_DOUBLE ? "double" : "float";
    char *end = NULL;
    double d;
    if (json_is_number(v)) d = json_number_value(v);
    else if (s && !strcmp(s, "NaN")) d = NAN;
    else if (s && !strcmp(s, "Infinity")) d = INFINITY;
    else if (s && !strcmp(s, "-Infinity")) d = -INFINITY;
    else if (s && plain_number(s) && (d = strtod(s, &end), *end == '\0')) {
        if (isinf(d)) return out_of_range(c, v, name); /* "1e400" */
    } else return expected(c, "a number", v);
    if (f->type == PROTOBUF_C_TYPE_DOUBLE) out->d = d;
    else if (isfinite(d) && (d > FLT_MAX || d < -FLT_MAX)) return out_of_range(c, v, name);
    else out->f = (float)d;
    return 0;
}

/* ---- strings and bytes ---- */

static char *copy_string(const char *s, size_t n) {
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

static int base64_digit(unsigned char ch) {
    if (ch >= 'A' && ch <= 'Z') return ch - 'A';
    if (ch >= 'a' && ch <= 'z') return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9') return ch - '0' + 52;
    if (ch == '+' || ch == '-') return 62;
    if (ch == '/' || ch == '_') return 63;
    return -1;
}

/* Standard or URL-safe base64, padding optional. Returns 1 when invalid. */
static int base64_decode(const char *s, size_t n, ProtobufCBinaryData *out, int *oom) {
    while (n && s[n - 1] == '=' ) n--;
    if (n % 4 == 1) return 1;
    size_t cap = n / 4 * 3 + 3;
    uint8_t *p = n ? malloc(cap) : NULL;
    if (n && !p) return *oom = 1;
    size_t len = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        int d = base64_digit((unsigned char)s[i]);
        if (d < 0) {
            free(p);
            return 1;
        }
        acc = acc << 6 | (uint32_t)d;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            p[len++] = (uint8_t)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    out->data = p;
    out->len = len;
    return 0;
}

/* ---- converting one JSON value to a field's type ---- */

/* Converts v (never null) to one value of f. Messages are created and filled.
 * `param` is set for strings that came from a parameter or a map key, where
 * "true"/"false" are accepted for bools. */
static int convert(reel_json__ctx *c, const ProtobufCFieldDescriptor *f, json_t *v, value *out, int depth,
                   int param) {
    switch (f->type) {
    case PROTOBUF_C_TYPE_MESSAGE: {
        if (!json_is_object(v)) return expected(c, "an object", v);
        if (depth >= REEL_JSON_MAX_DEPTH)
            return reel_json__too_deep(c);
        const ProtobufCMessageDescriptor *d = f->descriptor;
        ProtobufCMessage *m = malloc(d->sizeof_message);
        if (!m) return reel_json__fail(c, REEL_JSON_ENOMEM, "out of memory");
        protobuf_c_message_init(d, m);
        int rc = fill_message(c, m, v, depth + 1);
        if (rc) {
            protobuf_c_message_free_unpacked(m, NULL);
            return rc;
        }
        out->msg = m;
        return 0;
    }
    case PROTOBUF_C_TYPE_STRING:
        if (!json_is_string(v)) return expected(c, "a string", v);
        out->s = copy_string(json_string_value(v), json_string_length(v));
        return out->s ? 0 : reel_json__fail(c, REEL_JSON_ENOMEM, "out of memory");
    case PROTOBUF_C_TYPE_BYTES: {
        if (!json_is_string(v)) return expected(c, "a base64 string", v);
        int oom = 0;
        if (base64_decode(json_string_value(v), json_string_length(v), &out->bytes, &oom))
            return oom ? reel_json__fail(c, REEL_JSON_ENOMEM, "out of memory") : expected(c, "a base64 string", v);
        return 0;
    }
    case PROTOBUF_C_TYPE_BOOL:
        if (json_is_boolean(v)) out->b = json_is_true(v);
        else if (param && json_is_string(v) && !strcmp(json_string_value(v), "true")) out->b = 1;
        else if (param && json_is_string(v) && !strcmp(json_string_value(v), "false")) out->b = 0;
        else return expected(c, "true or false", v);
        return 0;
    case PROTOBUF_C_TYPE_ENUM: {
        const ProtobufCEnumDescriptor *ed = f->descriptor;
        if (json_is_string(v)) {
            const ProtobufCEnumValue *ev = protobuf_c_enum_descriptor_get_value_by_name(ed, json_string_value(v));
            if (ev) {
                out->e = ev->value;
                return 0;
            }
        }
        int neg = 0;
        uint64_t mag = 0;
        if (read_integer(v, &neg, &mag) != 0 || mag > (uint64_t)INT32_MAX + neg) {
            char buf[128];
            if (json_is_string(v) || json_is_number(v))
                return reel_json__fail_field(c, REEL_JSON_EINVALID, "unknown value %s for enum %s",
                                             describe(v, buf, sizeof buf), ed->name);
            return expected(c, "an enum name or number", v);
        }
        out->e = neg ? (int32_t)(0 - (int64_t)mag) : (int32_t)mag;
        return 0;
    }
    case PROTOBUF_C_TYPE_FLOAT:
    case PROTOBUF_C_TYPE_DOUBLE: return convert_float(c, f, v, out);
    default: return convert_integer(c, f, v, out);
    }
}

/* ---- storing values into a message ---- */

static void free_value(const ProtobufCFieldDescriptor *f, void *p) {
    if (f->type == PROTOBUF_C_TYPE_STRING) {
        char *s = *(char **)p;
        if (s && s != (const char *)f->default_value) free(s);
    } else if (f->type == PROTOBUF_C_TYPE_BYTES) {
        ProtobufCBinaryData *b = p;
        const ProtobufCBinaryData *def = f->default_value;
        if (b->data && (!def || def->data != b->data)) free(b->data);
    } else if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
        ProtobufCMessage *m = *(ProtobufCMessage **)p;
        if (m && m != f->default_value) protobuf_c_message_free_unpacked(m, NULL);
    }
}

/* Unsets the selected member of f's oneof, whichever it is. */
static void clear_oneof(ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f) {
    uint32_t *which = reel_json__member(msg, f->quantifier_offset);
    if (!*which) return;
    const ProtobufCFieldDescriptor *cur = protobuf_c_message_descriptor_get_field(msg->descriptor, *which);
    if (cur) free_value(cur, reel_json__member(msg, cur->offset));
    *which = 0;
}

/* Resets f to its default (unset): what JSON null means. */
static void clear_field(ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f) {
    void *p = reel_json__member(msg, f->offset);
    if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
        if (*(uint32_t *)reel_json__member(msg, f->quantifier_offset) == f->id) clear_oneof(msg, f);
        return;
    }
    if (f->label == PROTOBUF_C_LABEL_REPEATED) {
        size_t *n = reel_json__member(msg, f->quantifier_offset);
        char *arr = *(char **)p;
        size_t es = reel_json__elem_size(f->type);
        for (size_t i = 0; arr && i < *n; i++) free_value(f, arr + i * es);
        free(arr);
        *(char **)p = NULL;
        *n = 0;
        return;
    }
    free_value(f, p);
    if (f->type == PROTOBUF_C_TYPE_STRING) *(const void **)p = f->default_value;
    else if (f->type == PROTOBUF_C_TYPE_MESSAGE) *(void **)p = NULL;
    else if (f->default_value) memcpy(p, f->default_value, reel_json__elem_size(f->type));
    else memset(p, 0, reel_json__elem_size(f->type));
    if (reel_json__has_flag(f)) *(protobuf_c_boolean *)reel_json__member(msg, f->quantifier_offset) = 0;
}

/* Stores v into singular field f (taking ownership), replacing what was there. */
static void store(ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f, const value *v) {
    void *p = reel_json__member(msg, f->offset);
    if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
        clear_oneof(msg, f);
        *(uint32_t *)reel_json__member(msg, f->quantifier_offset) = f->id;
    } else {
        free_value(f, p);
        if (reel_json__has_flag(f)) *(protobuf_c_boolean *)reel_json__member(msg, f->quantifier_offset) = 1;
    }
    memcpy(p, v, reel_json__elem_size(f->type));
}

/* Makes room for `extra` more elements in repeated field f. */
static int reserve(reel_json__ctx *c, ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f, size_t extra) {
    size_t n = *(size_t *)reel_json__member(msg, f->quantifier_offset);
    void **arr = reel_json__member(msg, f->offset);
    size_t es = reel_json__elem_size(f->type);
    if (!extra) return 0;
    if (n + extra < n || n + extra > SIZE_MAX / es) return reel_json__fail(c, REEL_JSON_ENOMEM, "out of memory");
    void *p = realloc(*arr, (n + extra) * es);
    if (!p) return reel_json__fail(c, REEL_JSON_ENOMEM, "out of memory");
    *arr = p;
    return 0;
}

/* Appends v (taking ownership) to repeated field f; room must be reserved. */
static void append(ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f, const value *v) {
    size_t *n = reel_json__member(msg, f->quantifier_offset);
    char *arr = *(char **)reel_json__member(msg, f->offset);
    size_t es = reel_json__elem_size(f->type);
    memcpy(arr + *n * es, v, es);
    (*n)++;
}

/* ---- fields from JSON ---- */

static int fill_map(reel_json__ctx *c, ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f,
                    const ProtobufCMessageDescriptor *entry, json_t *obj, int depth) {
    if (!json_is_object(obj)) return expected(c, "an object", obj);
    if (depth >= REEL_JSON_MAX_DEPTH)
        return reel_json__too_deep(c);
    int rc = reserve(c, msg, f, json_object_size(obj));
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        if (rc) break;
        size_t mark = reel_json__path_key(c, key);
        value e = {.msg = malloc(entry->sizeof_message)}, k, val;
        json_t *jkey = json_string(key);
        if (!e.msg || !jkey) {
            free(e.msg);
            rc = reel_json__fail(c, REEL_JSON_ENOMEM, "out of memory");
        } else if (json_is_null(v)) {
            free(e.msg);
            rc = reel_json__fail_field(c, REEL_JSON_EINVALID, "null is not allowed as a map value");
        } else {
            protobuf_c_message_init(entry, e.msg);
            append(msg, f, &e); /* from now on freed with msg */
            if (!(rc = convert(c, &entry->fields[0], jkey, &k, depth + 1, 1))) store(e.msg, &entry->fields[0], &k);
            if (!rc && !(rc = convert(c, &entry->fields[1], v, &val, depth + 1, 0)))
                store(e.msg, &entry->fields[1], &val);
        }
        json_decref(jkey);
        reel_json__path_pop(c, mark);
    }
    return rc;
}

/* Sets field f of msg from JSON value v (body). */
static int set_field(reel_json__ctx *c, ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f, json_t *v,
                     int depth) {
    if (json_is_null(v)) {
        clear_field(msg, f);
        return 0;
    }
    const ProtobufCMessageDescriptor *entry = reel_json__map_entry(msg->descriptor, f);
    if (entry) return fill_map(c, msg, f, entry, v, depth);
    value val;
    if (f->label == PROTOBUF_C_LABEL_REPEATED) {
        if (!json_is_array(v)) return expected(c, "an array", v);
        int rc = reserve(c, msg, f, json_array_size(v));
        for (size_t i = 0; !rc && i < json_array_size(v); i++) {
            size_t mark = reel_json__path_index(c, i);
            json_t *item = json_array_get(v, i);
            if (json_is_null(item))
                rc = reel_json__fail_field(c, REEL_JSON_EINVALID, "null is not allowed in a repeated field");
            else if (!(rc = convert(c, f, item, &val, depth, 0)))
                append(msg, f, &val);
            reel_json__path_pop(c, mark);
        }
        return rc;
    }
    if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
        uint32_t which = *(uint32_t *)reel_json__member(msg, f->quantifier_offset);
        const ProtobufCFieldDescriptor *other =
            which && which != f->id ? protobuf_c_message_descriptor_get_field(msg->descriptor, which) : NULL;
        if (other) {
            char name[256];
            reel_json__json_name(other->name, name, sizeof name);
            return reel_json__fail_field(c, REEL_JSON_EINVALID, "'%s' of the same oneof is already set", name);
        }
    }
    int rc = convert(c, f, v, &val, depth, 0);
    if (!rc) store(msg, f, &val);
    return rc;
}

/* Matches a JSON key (len bytes) to a field by proto name or JSON name. */
static const ProtobufCFieldDescriptor *find_field(const ProtobufCMessageDescriptor *d, const char *key, size_t len) {
    for (unsigned i = 0; i < d->n_fields; i++) {
        const char *name = d->fields[i].name;
        if (strlen(name) == len && !memcmp(name, key, len)) return &d->fields[i];
    }
    for (unsigned i = 0; i < d->n_fields; i++) {
        char json_name[256];
        size_t n = reel_json__json_name(d->fields[i].name, json_name, sizeof json_name);
        if (n == len && n < sizeof json_name && !memcmp(json_name, key, len)) return &d->fields[i];
    }
    return NULL;
}

static int fill_message(reel_json__ctx *c, ProtobufCMessage *msg, json_t *obj, int depth) {
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        size_t mark = reel_json__path_name(c, key, strlen(key));
        const ProtobufCFieldDescriptor *f = find_field(msg->descriptor, key, strlen(key));
        int rc;
        char json_name[256];
        if (!f) {
            rc = reel_json__fail(c, REEL_JSON_EINVALID, "unknown field '%s'", c->path);
        } else if (!strcmp(key, f->name) && reel_json__json_name(f->name, json_name, sizeof json_name) &&
                   strcmp(json_name, key) && json_object_get(obj, json_name)) {
            rc = reel_json__fail_field(c, REEL_JSON_EINVALID, "given twice, as '%s' and '%s'", key, json_name);
        } else {
            rc = set_field(c, msg, f, v, depth);
        }
        reel_json__path_pop(c, mark);
        if (rc) return rc;
    }
    return 0;
}

/* ---- overrides (path and query parameters) ---- */

static int apply_override(reel_json__ctx *c, ProtobufCMessage *msg, const reel_json_field *o) {
    const char *name = o->name;
    int depth = 1;
    reel_json__path_name(c, name, strlen(name));
    for (;;) {
        const char *dot = strchr(name, '.');
        size_t len = dot ? (size_t)(dot - name) : strlen(name);
        const ProtobufCFieldDescriptor *f = find_field(msg->descriptor, name, len);
        if (!f) return reel_json__fail(c, REEL_JSON_EINVALID, "unknown field '%s'", c->path);
        if (reel_json__map_entry(msg->descriptor, f))
            return reel_json__fail_field(c, REEL_JSON_EINVALID, "a map field cannot be set from a parameter");
        value val;
        if (dot) { /* walk into (or create) the singular message field */
            if (f->type != PROTOBUF_C_TYPE_MESSAGE || f->label == PROTOBUF_C_LABEL_REPEATED)
                return reel_json__fail_field(c, REEL_JSON_EINVALID, "'%.*s' is not a singular message field",
                                             (int)len, name);
            if (++depth > REEL_JSON_MAX_DEPTH)
                return reel_json__too_deep(c);
            ProtobufCMessage **child = reel_json__member(msg, f->offset);
            int selected = !(f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) ||
                           *(uint32_t *)reel_json__member(msg, f->quantifier_offset) == f->id;
            if (!selected || !*child) {
                const ProtobufCMessageDescriptor *d = f->descriptor;
                if (!(val.msg = malloc(d->sizeof_message))) return reel_json__fail(c, REEL_JSON_ENOMEM, "out of memory");
                protobuf_c_message_init(d, val.msg);
                store(msg, f, &val);
            }
            msg = *child;
            name = dot + 1;
            continue;
        }
        if (f->type == PROTOBUF_C_TYPE_MESSAGE)
            return reel_json__fail_field(c, REEL_JSON_EINVALID,
                                         "a message field cannot be set from a parameter; name one of its fields");
        json_t *s = json_string(o->value);
        if (!s) return reel_json__fail_field(c, REEL_JSON_EINVALID, "value is not valid UTF-8");
        int rc = convert(c, f, s, &val, depth, 1);
        json_decref(s);
        if (rc) return rc;
        if (f->label != PROTOBUF_C_LABEL_REPEATED) {
            store(msg, f, &val);
        } else if ((rc = reserve(c, msg, f, 1))) {
            free_value(f, &val);
            return rc;
        } else {
            append(msg, f, &val);
        }
        return 0;
    }
}

/* ---- required fields (proto2) ---- */

static int check_required(reel_json__ctx *c, const ProtobufCMessage *msg) {
    const ProtobufCMessageDescriptor *d = msg->descriptor;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        if (f->type != PROTOBUF_C_TYPE_MESSAGE && f->type != PROTOBUF_C_TYPE_STRING) continue;
        if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF &&
            *(uint32_t *)reel_json__member(msg, f->quantifier_offset) != f->id)
            continue;
        char name[256];
        size_t mark = reel_json__path_name(c, name, reel_json__json_name(f->name, name, sizeof name));
        int rc = 0;
        void *p = reel_json__member(msg, f->offset);
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t n = *(size_t *)reel_json__member(msg, f->quantifier_offset);
            for (size_t j = 0; !rc && f->type == PROTOBUF_C_TYPE_MESSAGE && j < n; j++) {
                size_t m2 = reel_json__path_index(c, j);
                rc = check_required(c, (*(ProtobufCMessage ***)p)[j]);
                reel_json__path_pop(c, m2);
            }
        } else if (!*(void **)p) {
            if (f->label == PROTOBUF_C_LABEL_REQUIRED)
                rc = reel_json__fail(c, REEL_JSON_EINVALID, "missing required field '%s'", c->path);
        } else if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
            rc = check_required(c, *(ProtobufCMessage **)p);
        }
        reel_json__path_pop(c, mark);
        if (rc) return rc;
    }
    return 0;
}

/* ---- entry point ---- */

int reel_json_to_proto(const ProtobufCMessageDescriptor *desc, const char *json, size_t len,
                       const reel_json_field *overrides, size_t n_overrides, uint8_t **out, size_t *out_len,
                       char *err, size_t err_size) {
    reel_json__ctx c;
    reel_json__ctx_init(&c, err, err_size);
    if (out) *out = NULL;
    if (out_len) *out_len = 0;
    if (!desc || !out || !out_len || (!json && len) || (!overrides && n_overrides))
        return reel_json__fail(&c, REEL_JSON_EUSAGE, "invalid arguments");
    for (size_t i = 0; i < n_overrides; i++)
        if (!overrides[i].name || !overrides[i].value)
            return reel_json__fail(&c, REEL_JSON_EUSAGE, "override %zu has no name or value", i);

    json_t *root = NULL;
    if (len) {
        json_error_t je;
        root = json_loadb(json, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &je);
        if (!root)
            return reel_json__fail(&c, REEL_JSON_EINVALID, "body is not valid JSON: %s at line %d column %d", je.text,
                                   je.line, je.column);
        if (!json_is_object(root)) {
            char buf[128];
            int rc = reel_json__fail(&c, REEL_JSON_EINVALID, "body must be a JSON object, got %s",
                                     describe(root, buf, sizeof buf));
            json_decref(root);
            return rc;
        }
    }
    ProtobufCMessage *msg = malloc(desc->sizeof_message);
    if (!msg) {
        json_decref(root);
        return reel_json__fail(&c, REEL_JSON_ENOMEM, "out of memory");
    }
    protobuf_c_message_init(desc, msg);
    int rc = root ? fill_message(&c, msg, root, 1) : 0;
    json_decref(root);
    for (size_t i = 0; !rc && i < n_overrides; i++) {
        reel_json__path_pop(&c, 0);
        rc = apply_override(&c, msg, &overrides[i]);
    }
    reel_json__path_pop(&c, 0);
    if (!rc) rc = check_required(&c, msg);
    if (!rc) {
        size_t size = protobuf_c_message_get_packed_size(msg);
        uint8_t *buf = malloc(size ? size : 1);
        if (!buf) {
            rc = reel_json__fail(&c, REEL_JSON_ENOMEM, "out of memory");
        } else {
            *out_len = protobuf_c_message_pack(msg, buf);
            *out = buf;
        }
    }
    protobuf_c_message_free_unpacked(msg, NULL);
    return rc;
}
