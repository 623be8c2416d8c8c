#ifndef CREELSUPPORT_H
#define CREELSUPPORT_H
#include "reel_hash.h"
#include "reel_json.h"
#include "reel_sys.h"
#endif
