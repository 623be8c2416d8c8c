/* libmicrohttpd for Swift. libmicrohttpd needs these system headers before
 * its own; its variadic functions do not import into Swift, so the few the
 * host needs are wrapped in static inline functions here. */
#include <stdarg.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <microhttpd.h>

/* MHD_start_daemon with every option passed as one MHD_OPTION_ARRAY. */
static inline struct MHD_Daemon *
reel_mhd_start(unsigned int flags, uint16_t port, MHD_AccessHandlerCallback handler,
               void *handler_cls, struct MHD_OptionItem *options) {
    return MHD_start_daemon(flags, port, NULL, NULL, handler, handler_cls,
                            MHD_OPTION_ARRAY, options, MHD_OPTION_END);
}

/* The peer address of a connection, or NULL. */
static inline const struct sockaddr *
reel_mhd_client_addr(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    return info ? info->client_addr : NULL;
}

/* The port the daemon listens on (useful when started on port 0). */
static inline uint16_t reel_mhd_bound_port(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info =
        MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info ? info->port : 0;
}

/* The socket of a connection, or -1. */
static inline int reel_mhd_connection_fd(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    return info ? info->connect_fd : -1;
}

/* The socket context a connection notification stored, or NULL. */
static inline void *reel_mhd_socket_context(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info ? info->socket_context : NULL;
}
