/* Compile-time checks of the ABI header's promises (no code is emitted). */
#include "reel_plugin.h"

_Static_assert(sizeof(reel_magic) == 16, "reel_magic has no padding");
_Static_assert(sizeof(int32_t) == 4, "status codes are 32-bit");
