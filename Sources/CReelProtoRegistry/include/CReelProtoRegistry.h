/* Finding a generated protobuf-c message descriptor by its full name, among
 * the proto packages linked into this image (the host executable, one plugin
 * .so, a test binary) — and only those: each image links the generated
 * targets (Sources/Proto/<package>, tools/gen-proto) of the messages it uses.
 *
 * Each generated target lists its descriptors in one reel_proto_package and
 * puts a pointer to it in the image's `reel_proto_packages` ELF section
 * (REEL_PROTO_PACKAGE); the linker gathers them and names the section's
 * bounds, so no code registers anything at run time. Both the lookup and the
 * section bounds are hidden: a plugin never finds another image's messages. */
#ifndef CREELPROTOREGISTRY_H
#define CREELPROTOREGISTRY_H
#include <stddef.h>
#include <protobuf-c/protobuf-c.h>

/* One proto package's messages ("reel.video.v1"): static data of its target. */
typedef struct reel_proto_package {
    const char *name;
    const ProtobufCMessageDescriptor *const *messages;
    size_t message_count;
} reel_proto_package;

/* Adds `package` (a static reel_proto_package) to this image's registry.
 * `retain`: lld's --gc-sections (release builds) would drop the section,
 * which nothing references by name. */
#define REEL_PROTO_PACKAGE(package)                                                           \
    __attribute__((used, retain, section("reel_proto_packages"))) static const reel_proto_package \
        *const reel_proto_package_entry = &(package)

/* The descriptor of a message by full name ("reel.hello.v1.GreetRequest"),
 * or NULL when no package linked into this image has it. */
__attribute__((visibility("hidden")))
const ProtobufCMessageDescriptor *reel_proto_message_descriptor(const char *full_name);

#endif
