/// Exchanges handed to plugins, by token (a `reel_http_exchange *` is a
/// token, not a pointer, so a stray reply cannot crash the host).
enum HTTPExchanges {
    static let shared = TokenTable<PluginHTTPExchange>()
}
