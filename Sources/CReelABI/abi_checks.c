/* Compile-time checks of the ABI header's promises (no code is emitted). */
#include "reel_plugin.h"

_Static_assert(sizeof(reel_magic) == 16, "reel_magic has no padding");
_Static_assert(sizeof(int32_t) == 4, "status codes are 32-bit");

#include <stddef.h>
/* 1.2 took its new fields from the reserved and spare slots: the structs
 * keep the size they had in 1.0, so 1.0 plugins and hosts still agree. */
_Static_assert(sizeof(reel_host_api) == offsetof(reel_host_api, http_reply) + 8 * sizeof(void *),
               "reel_host_api kept its 1.0 size");
_Static_assert(sizeof(reel_plugin_descriptor) == offsetof(reel_plugin_descriptor, http_routes) + 8 * sizeof(void *),
               "reel_plugin_descriptor kept its 1.0 size");
