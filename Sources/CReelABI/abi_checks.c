/* Compile-time checks of the ABI header's promises (no code is emitted). */
#include "reel_plugin.h"

_Static_assert(sizeof(reel_magic) == 16, "reel_magic has no padding");
_Static_assert(sizeof(int32_t) == 4, "status codes are 32-bit");

#include <stddef.h>
/* 1.2 and 1.3 took their new fields from the reserved and spare slots: the structs
 * keep the size they had in 1.0, so 1.0 plugins and hosts still agree. 1.4
 * appended three pointers to the host table (host-owned: older plugins read
 * only its first 1.0-sized part, which did not move). */
_Static_assert(offsetof(reel_host_api, metrics) == offsetof(reel_host_api, http_reply) + 8 * sizeof(void *),
               "reel_host_api's 1.0-1.3 part kept its 1.0 size");
_Static_assert(sizeof(reel_host_api) == offsetof(reel_host_api, metrics) + 3 * sizeof(void *),
               "1.4 appended exactly three pointers to reel_host_api");
_Static_assert(sizeof(reel_plugin_descriptor) == offsetof(reel_plugin_descriptor, http_routes) + 8 * sizeof(void *),
               "reel_plugin_descriptor kept its 1.0 size");

/* Every field's offset, as released (LP64). A failing line means a field
 * moved: the header is append-only, so add at the end or into a spare slot. */
#if UINTPTR_MAX == 0xFFFFFFFFFFFFFFFFu
_Static_assert(offsetof(reel_magic, magic) == 0, "reel_magic.magic");
_Static_assert(offsetof(reel_magic, abi_major) == 4, "reel_magic.abi_major");
_Static_assert(offsetof(reel_magic, abi_minor) == 8, "reel_magic.abi_minor");
_Static_assert(offsetof(reel_magic, descriptor_size) == 12, "reel_magic.descriptor_size");
_Static_assert(offsetof(reel_request, struct_size) == 0, "reel_request.struct_size");
_Static_assert(offsetof(reel_request, method_index) == 4, "reel_request.method_index");
_Static_assert(offsetof(reel_request, method) == 8, "reel_request.method");
_Static_assert(offsetof(reel_request, payload) == 16, "reel_request.payload");
_Static_assert(offsetof(reel_request, payload_len) == 24, "reel_request.payload_len");
_Static_assert(offsetof(reel_request, request_id) == 32, "reel_request.request_id");
_Static_assert(offsetof(reel_request, caller_user_id) == 40, "reel_request.caller_user_id");
_Static_assert(offsetof(reel_request, caller_role) == 48, "reel_request.caller_role");
_Static_assert(offsetof(reel_request, client_address) == 56, "reel_request.client_address");
_Static_assert(offsetof(reel_http_header, name) == 0, "reel_http_header.name");
_Static_assert(offsetof(reel_http_header, value) == 8, "reel_http_header.value");
_Static_assert(offsetof(reel_http_request, struct_size) == 0, "reel_http_request.struct_size");
_Static_assert(offsetof(reel_http_request, route_index) == 4, "reel_http_request.route_index");
_Static_assert(offsetof(reel_http_request, method) == 8, "reel_http_request.method");
_Static_assert(offsetof(reel_http_request, path) == 16, "reel_http_request.path");
_Static_assert(offsetof(reel_http_request, query) == 24, "reel_http_request.query");
_Static_assert(offsetof(reel_http_request, headers) == 32, "reel_http_request.headers");
_Static_assert(offsetof(reel_http_request, header_count) == 40, "reel_http_request.header_count");
_Static_assert(offsetof(reel_http_request, params) == 48, "reel_http_request.params");
_Static_assert(offsetof(reel_http_request, param_count) == 56, "reel_http_request.param_count");
_Static_assert(offsetof(reel_http_request, content_length) == 64, "reel_http_request.content_length");
_Static_assert(offsetof(reel_http_request, request_id) == 72, "reel_http_request.request_id");
_Static_assert(offsetof(reel_http_request, caller_user_id) == 80, "reel_http_request.caller_user_id");
_Static_assert(offsetof(reel_http_request, caller_role) == 88, "reel_http_request.caller_role");
_Static_assert(offsetof(reel_http_request, client_address) == 96, "reel_http_request.client_address");
_Static_assert(offsetof(reel_http_route_def, http_method) == 0, "reel_http_route_def.http_method");
_Static_assert(offsetof(reel_http_route_def, path) == 8, "reel_http_route_def.path");
_Static_assert(offsetof(reel_http_route_def, access) == 16, "reel_http_route_def.access");
_Static_assert(offsetof(reel_http_route_def, flags) == 20, "reel_http_route_def.flags");
_Static_assert(offsetof(reel_http_route_def, max_body_bytes) == 24, "reel_http_route_def.max_body_bytes");
_Static_assert(offsetof(reel_host_api, struct_size) == 0, "reel_host_api.struct_size");
_Static_assert(offsetof(reel_host_api, abi_minor) == 4, "reel_host_api.abi_minor");
_Static_assert(offsetof(reel_host_api, log) == 8, "reel_host_api.log");
_Static_assert(offsetof(reel_host_api, config_get) == 16, "reel_host_api.config_get");
_Static_assert(offsetof(reel_host_api, reply) == 24, "reel_host_api.reply");
_Static_assert(offsetof(reel_host_api, bus_call) == 32, "reel_host_api.bus_call");
_Static_assert(offsetof(reel_host_api, publish) == 40, "reel_host_api.publish");
_Static_assert(offsetof(reel_host_api, http_reply) == 48, "reel_host_api.http_reply");
_Static_assert(offsetof(reel_host_api, http_reply_fd) == 56, "reel_host_api.http_reply_fd");
_Static_assert(offsetof(reel_host_api, http_stream_start) == 64, "reel_host_api.http_stream_start");
_Static_assert(offsetof(reel_host_api, http_stream_write) == 72, "reel_host_api.http_stream_write");
_Static_assert(offsetof(reel_host_api, http_stream_end) == 80, "reel_host_api.http_stream_end");
_Static_assert(offsetof(reel_host_api, http_stream_message) == 88, "reel_host_api.http_stream_message");
_Static_assert(offsetof(reel_host_api, http_stream_finish) == 96, "reel_host_api.http_stream_finish");
_Static_assert(offsetof(reel_host_api, spare) == 104, "reel_host_api.spare");
_Static_assert(offsetof(reel_host_api, metrics) == 112, "reel_host_api.metrics");
_Static_assert(offsetof(reel_host_api, trace_current) == 120, "reel_host_api.trace_current");
_Static_assert(offsetof(reel_host_api, trace_adopt) == 128, "reel_host_api.trace_adopt");
_Static_assert(offsetof(reel_metrics_api, struct_size) == 0, "reel_metrics_api.struct_size");
_Static_assert(offsetof(reel_metrics_api, reserved0) == 4, "reel_metrics_api.reserved0");
_Static_assert(offsetof(reel_metrics_api, register_metric) == 8, "reel_metrics_api.register_metric");
_Static_assert(offsetof(reel_metrics_api, add) == 16, "reel_metrics_api.add");
_Static_assert(offsetof(reel_metrics_api, set) == 24, "reel_metrics_api.set");
_Static_assert(offsetof(reel_metrics_api, observe) == 32, "reel_metrics_api.observe");
_Static_assert(offsetof(reel_metrics_api, spare) == 40, "reel_metrics_api.spare");
_Static_assert(sizeof(reel_metrics_api) == 72, "reel_metrics_api 1.4 size");
_Static_assert(offsetof(reel_method_def, name) == 0, "reel_method_def.name");
_Static_assert(offsetof(reel_method_def, access) == 8, "reel_method_def.access");
_Static_assert(offsetof(reel_method_def, input_descriptor) == 16, "reel_method_def.input_descriptor");
_Static_assert(offsetof(reel_method_def, output_descriptor) == 24, "reel_method_def.output_descriptor");
_Static_assert(offsetof(reel_route_def, http_method) == 0, "reel_route_def.http_method");
_Static_assert(offsetof(reel_route_def, path) == 8, "reel_route_def.path");
_Static_assert(offsetof(reel_route_def, method) == 16, "reel_route_def.method");
_Static_assert(offsetof(reel_route_def, success_status) == 24, "reel_route_def.success_status");
_Static_assert(offsetof(reel_plugin_descriptor, struct_size) == 0, "reel_plugin_descriptor.struct_size");
_Static_assert(offsetof(reel_plugin_descriptor, flags) == 4, "reel_plugin_descriptor.flags");
_Static_assert(offsetof(reel_plugin_descriptor, name) == 8, "reel_plugin_descriptor.name");
_Static_assert(offsetof(reel_plugin_descriptor, version) == 16, "reel_plugin_descriptor.version");
_Static_assert(offsetof(reel_plugin_descriptor, description) == 24, "reel_plugin_descriptor.description");
_Static_assert(offsetof(reel_plugin_descriptor, init) == 32, "reel_plugin_descriptor.init");
_Static_assert(offsetof(reel_plugin_descriptor, shutdown) == 40, "reel_plugin_descriptor.shutdown");
_Static_assert(offsetof(reel_plugin_descriptor, handle) == 48, "reel_plugin_descriptor.handle");
_Static_assert(offsetof(reel_plugin_descriptor, on_event) == 56, "reel_plugin_descriptor.on_event");
_Static_assert(offsetof(reel_plugin_descriptor, methods) == 64, "reel_plugin_descriptor.methods");
_Static_assert(offsetof(reel_plugin_descriptor, method_count) == 72, "reel_plugin_descriptor.method_count");
_Static_assert(offsetof(reel_plugin_descriptor, routes) == 80, "reel_plugin_descriptor.routes");
_Static_assert(offsetof(reel_plugin_descriptor, route_count) == 88, "reel_plugin_descriptor.route_count");
_Static_assert(offsetof(reel_plugin_descriptor, subscriptions) == 96, "reel_plugin_descriptor.subscriptions");
_Static_assert(offsetof(reel_plugin_descriptor, subscription_count) == 104, "reel_plugin_descriptor.subscription_count");
_Static_assert(offsetof(reel_plugin_descriptor, http_routes) == 112, "reel_plugin_descriptor.http_routes");
_Static_assert(offsetof(reel_plugin_descriptor, http_route_count) == 120, "reel_plugin_descriptor.http_route_count");
_Static_assert(offsetof(reel_plugin_descriptor, http_begin) == 128, "reel_plugin_descriptor.http_begin");
_Static_assert(offsetof(reel_plugin_descriptor, http_body) == 136, "reel_plugin_descriptor.http_body");
_Static_assert(offsetof(reel_plugin_descriptor, http_end) == 144, "reel_plugin_descriptor.http_end");
_Static_assert(offsetof(reel_plugin_descriptor, http_stream_closed) == 152, "reel_plugin_descriptor.http_stream_closed");
_Static_assert(offsetof(reel_plugin_descriptor, reserved) == 160, "reel_plugin_descriptor.reserved");
#endif
