/* libFuzzer harness for CReelSupport's JSON <-> protobuf code (reel_json.h),
 * driven by the descriptors of proto/reel/test/v1 (every field type, maps,
 * oneofs, nesting, proto2 presence) and a real API message.
 *
 * Input: byte 0 picks the descriptor and the direction, the rest is the
 * JSON body (to protobuf, then back to JSON and again to protobuf: the round
 * trip must be stable) or protobuf bytes (validate, then print). Any crash,
 * leak or sanitizer report is a bug; error returns are fine.
 * Built and run by tools/fuzz (name: json_proto). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "reel/test/v1/presence.pb-c.h"
#include "reel/test/v1/types.pb-c.h"
#include "reel/video/v1/video.pb-c.h"
#include "reel_json.h"

static const ProtobufCMessageDescriptor *pick(uint8_t b) {
    switch (b % 4) {
    case 0: return &reel__test__v1__all_types__descriptor;
    case 1: return &reel__test__v1__presence__presence__descriptor;
    case 2: return &reel__video__v1__update_video_request__descriptor;
    default: return &reel__test__v1__inner__descriptor;
    }
}

static void same(const uint8_t *a, size_t an, const uint8_t *b, size_t bn, const char *what) {
    if (an != bn || memcmp(a, b, an) != 0) {
        fprintf(stderr, "round trip changed the message (%s): %zu vs %zu bytes\n", what, an, bn);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    const ProtobufCMessageDescriptor *desc = pick(data[0]);
    const uint8_t *body = data + 1;
    size_t len = size - 1;
    char err[256];
    if (data[0] & 0x80) {
        /* Protobuf bytes from a client or a plugin. */
        int valid = reel_proto_validate(desc, body, len, err, sizeof err);
        char *json = NULL;
        int printed = reel_proto_to_json(desc, body, len, &json, err, sizeof err);
        if (printed == REEL_JSON_OK && valid != REEL_JSON_OK) {
            fprintf(stderr, "printed a message that does not validate: %s\n", err);
            abort();
        }
        free(json);
        return 0;
    }
    /* A JSON body, with one path parameter when byte 0 says so. */
    reel_json_field override = {"fString", "from the path"};
    size_t n_overrides = (data[0] & 0x40) && desc == &reel__test__v1__all_types__descriptor ? 1 : 0;
    uint8_t *proto = NULL;
    size_t proto_len = 0;
    if (reel_json_to_proto(desc, (const char *)body, len, &override, n_overrides, &proto, &proto_len, err, sizeof err)
        != REEL_JSON_OK)
        return 0;
    if (reel_proto_validate(desc, proto, proto_len, err, sizeof err) != REEL_JSON_OK) {
        fprintf(stderr, "made a message that does not validate: %s\n", err);
        abort();
    }
    char *json = NULL;
    if (reel_proto_to_json(desc, proto, proto_len, &json, err, sizeof err) != REEL_JSON_OK) {
        fprintf(stderr, "cannot print a message it made: %s\n", err);
        abort();
    }
    uint8_t *again = NULL;
    size_t again_len = 0;
    if (reel_json_to_proto(desc, json, strlen(json), NULL, 0, &again, &again_len, err, sizeof err) != REEL_JSON_OK) {
        fprintf(stderr, "cannot read back its own JSON: %s\n%s\n", err, json);
        abort();
    }
    char *json2 = NULL;
    if (reel_proto_to_json(desc, again, again_len, &json2, err, sizeof err) != REEL_JSON_OK) abort();
    same((const uint8_t *)json, strlen(json), (const uint8_t *)json2, strlen(json2), "JSON printed twice");
    free(json2);
    free(again);
    free(json);
    free(proto);
    return 0;
}
