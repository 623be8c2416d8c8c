#include <string.h>
#include "CReelProtoRegistry.h"

/* The section's bounds, defined by the linker in each image that has one
 * (weak: an image that links no package has none). */
extern const reel_proto_package *const __start_reel_proto_packages[] __attribute__((weak, visibility("hidden")));
extern const reel_proto_package *const __stop_reel_proto_packages[] __attribute__((weak, visibility("hidden")));

const ProtobufCMessageDescriptor *reel_proto_message_descriptor(const char *full_name) {
    if (full_name == NULL || __start_reel_proto_packages == NULL) return NULL;
    for (const reel_proto_package *const *p = __start_reel_proto_packages; p < __stop_reel_proto_packages; p++) {
        for (size_t i = 0; i < (*p)->message_count; i++)
            if (strcmp((*p)->messages[i]->name, full_name) == 0) return (*p)->messages[i];
    }
    return NULL;
}
