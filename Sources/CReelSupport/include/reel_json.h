/* JSON <-> protobuf conversion driven by protobuf-c descriptors.
 *
 * The host turns a web client's JSON body (plus URL path and query parameters)
 * into the protobuf encoding of a method's input message, and a method's
 * protobuf output back into JSON. Messages are known only at run time, by
 * their `const ProtobufCMessageDescriptor *` (protobuf-c 1.4.1).
 *
 * Mapping: proto3 JSON (https://protobuf.dev/programming-guides/json/):
 *  - JSON names are lowerCamelCase of the proto field name (poster_url ->
 *    posterUrl); input accepts both that and the proto name (not both at once).
 *    Unknown fields are an error. The top level must be a JSON object.
 *  - Output emits every field: defaults ("", 0, false, first enum name), [] for
 *    repeated, {} for maps, null for an unset message field and for an unset
 *    field with explicit presence (a has_ flag, or a NULL optional string).
 *    Unselected members of a oneof are omitted. Fields are in tag order.
 *  - 64-bit integers print as JSON strings; input accepts strings or numbers
 *    for every numeric type (integral numbers such as 1e3 are accepted for
 *    integer fields, fractions are not). Floats print in their shortest
 *    round-trip form; NaN/Infinity/-Infinity as strings.
 *  - bytes: standard base64 with padding; input also accepts URL-safe and
 *    unpadded base64. Enums: value name (number when unknown); input accepts a
 *    name or a number. null on input means "default / unset".
 *  - Maps: a repeated message field whose type is a nested `<Parent>.<X>Entry`
 *    with exactly key = 1 and value = 2 (what protoc makes of map<K, V>) is a
 *    JSON object; keys are strings, integers or bools written as strings.
 *  - Not supported: the special JSON forms of well-known types (Timestamp,
 *    Duration, wrappers, Struct, Any, FieldMask print as ordinary messages),
 *    the json_name option (protobuf-c does not keep it), uint64 numbers above
 *    2^63-1 written as JSON numbers (jansson rejects them; quote them), and
 *    presence of proto2 `required` scalars (protobuf-c cannot tell; a missing
 *    required string or message is an error).
 *  - Messages nest at most REEL_JSON_MAX_DEPTH levels, on input and output.
 *
 * Threads: every function is reentrant; nothing is global.
 * Errors: every function returns REEL_JSON_OK (0) or an error code, and writes
 * a NUL-terminated, human-readable message naming the field, e.g.
 *   field 'count': expected an integer, got string "abc"
 *   unknown field 'inner.foo'
 *   body is not valid JSON: ... at line 1 column 7
 * into err (truncated to err_size bytes; err may be NULL when err_size is 0).
 * On success err holds "". Output pointers are NULL/0 after any failure.
 */
#ifndef REEL_JSON_H
#define REEL_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <protobuf-c/protobuf-c.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Return codes. */
#define REEL_JSON_OK 0
/* The input (JSON, a parameter, or protobuf bytes) is invalid: a client error. */
#define REEL_JSON_EINVALID 1
/* Out of memory. */
#define REEL_JSON_ENOMEM 2
/* The caller broke the contract (NULL descriptor or output pointer). */
#define REEL_JSON_EUSAGE 3

/* Deepest message nesting accepted (the top-level message is level 1). */
#define REEL_JSON_MAX_DEPTH 64

/* One string-valued field to merge into a message (a URL path or query
 * parameter). `name` is a field's JSON or proto name, or a dotted path through
 * singular message fields ("book.author_id"); `value` is converted to the
 * field's type (numbers, "true"/"false", enum names or numbers, base64 for
 * bytes). Both are NUL-terminated UTF-8, borrowed for the call only. */
typedef struct reel_json_field {
    const char *name;
    const char *value;
} reel_json_field;

/* Parses `json` (len bytes, need not be NUL-terminated; NULL or len 0 means
 * "{}") as a `desc` message, then applies `overrides` first to last (they win
 * over the body: a singular field is replaced, a repeated field is appended
 * to; a map or message field cannot be overridden, only fields inside it).
 * On success *out is the protobuf encoding, malloc'd and owned by the caller
 * (release with free() or reel_json_free(); non-NULL even when *out_len is 0).
 * All inputs are borrowed for the call only. */
int reel_json_to_proto(const ProtobufCMessageDescriptor *desc, const char *json, size_t len,
                       const reel_json_field *overrides, size_t n_overrides,
                       uint8_t **out, size_t *out_len, char *err, size_t err_size);

/* Decodes `data` (len bytes) as a `desc` message and prints it as compact
 * JSON. On success *out_json is a malloc'd NUL-terminated UTF-8 string owned
 * by the caller (free() or reel_json_free()). Fails with REEL_JSON_EINVALID
 * when the bytes are not a valid `desc` or a string in them is not UTF-8. */
int reel_proto_to_json(const ProtobufCMessageDescriptor *desc, const uint8_t *data, size_t len,
                       char **out_json, char *err, size_t err_size);

/* Returns REEL_JSON_OK when `data` is a valid encoding of `desc`
 * (protobuf_c_message_unpack succeeds: well-formed, required fields present;
 * and every string field, nested ones included, is valid UTF-8 as proto3
 * requires), else REEL_JSON_EINVALID with a message naming the message type
 * or the field. */
int reel_proto_validate(const ProtobufCMessageDescriptor *desc, const uint8_t *data, size_t len,
                        char *err, size_t err_size);

/* Frees a buffer returned by reel_json_to_proto or reel_proto_to_json
 * (same as free(); for callers that do not share this libc). NULL is fine. */
void reel_json_free(void *p);

#ifdef __cplusplus
}
#endif
#endif
