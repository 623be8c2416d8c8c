import CReelABI
import Crypto
import Foundation

let REEL_ABI_MINOR_VALUE = UInt32(REEL_ABI_MINOR)

/// A plugin library opened and checked, before init: its private copy, its
/// handle, and everything copied out of its descriptor.
final class LoadedLibrary: @unchecked Sendable {
    let sourceFile: String
    let loadedPath: String
    let sha256: String
    let name: String
    let version: String
    let summary: String
    let unloadable: Bool
    let methods: [MethodInfo]
    let routes: [RouteInfo]
    let subscriptions: [String]
    let httpRoutes: [HTTPRouteInfo]
    let descriptor: UnsafePointer<reel_plugin_descriptor>
    /// The ABI minor the plugin was built with (fields newer than it are never read).
    let abiMinor: UInt32
    private var handle: UnsafeMutableRawPointer?
    private let lock = NSLock()

    /// Copies `file` to a content-addressed path under `cacheDir` (a new path
    /// per version: dlopen of a known path returns the old image), opens it,
    /// and checks magic, ABI and descriptor before any other plugin code runs.
    init(file: String, cacheDir: String) throws(PluginLoadError) {
        guard let data = FileManager.default.contents(atPath: file) else { throw .unreadable(file) }
        let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        let base = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        let loadedPath = "\(cacheDir)/\(base)-\(digest.prefix(16)).so"
        do {
            try Self.writeOnce(data, to: loadedPath)
        } catch {
            throw .unreadable("cannot copy to \(loadedPath): \(error)")
        }
        guard let handle = dlopen(loadedPath, RTLD_NOW | RTLD_LOCAL) else {
            throw .notLoadable(dlerror().map { String(cString: $0) } ?? "unknown error")
        }
        // A refused library is never dlclosed: its constructors have run, and
        // for a Swift library unmapping would leave the runtime dangling.
        guard let magicSymbol = dlsym(handle, REEL_PLUGIN_MAGIC_SYMBOL) else { throw .missingSymbol(REEL_PLUGIN_MAGIC_SYMBOL) }
        let magicFunction = unsafeBitCast(magicSymbol, to: reel_plugin_magic_fn.self)
        guard let magic = magicFunction() else { throw .badMagic(0) }
        guard magic.pointee.magic == REEL_MAGIC else { throw .badMagic(magic.pointee.magic) }
        guard magic.pointee.abi_major == UInt32(REEL_ABI_MAJOR) else {
            throw .abiMajorMismatch(host: UInt32(REEL_ABI_MAJOR), plugin: magic.pointee.abi_major, pluginMinor: magic.pointee.abi_minor)
        }
        guard magic.pointee.abi_minor <= REEL_ABI_MINOR_VALUE else {
            throw .abiMinorNewer(host: REEL_ABI_MINOR_VALUE, plugin: magic.pointee.abi_minor)
        }
        guard let entrySymbol = dlsym(handle, REEL_PLUGIN_ENTRY_SYMBOL) else { throw .missingSymbol(REEL_PLUGIN_ENTRY_SYMBOL) }
        let entry = unsafeBitCast(entrySymbol, to: reel_plugin_entry_fn.self)
        guard let descriptor = entry() else { throw .invalidDescriptor("reel_plugin_entry() returned NULL") }
        let parsed = try DescriptorReader.read(descriptor, pluginMinor: magic.pointee.abi_minor)

        self.sourceFile = file
        self.loadedPath = loadedPath
        self.sha256 = digest
        self.handle = handle
        self.descriptor = descriptor
        self.abiMinor = magic.pointee.abi_minor
        self.name = parsed.name
        self.version = parsed.version
        self.summary = parsed.summary
        self.unloadable = parsed.unloadable
        self.methods = parsed.methods
        self.routes = parsed.routes
        self.subscriptions = parsed.subscriptions
        self.httpRoutes = parsed.httpRoutes
    }

    /// Unmaps the library (only for plugins that declared REEL_PLUGIN_UNLOADABLE).
    func unload() {
        lock.withLock {
            if let handle { dlclose(handle) }
            handle = nil
        }
        try? FileManager.default.removeItem(atPath: loadedPath)
    }

    /// Writes through a temporary file and a rename, never over a mapped file.
    private static func writeOnce(_ data: Data, to path: String) throws {
        // A cached copy is used only if it still hashes to its name's content:
        // one changed on disk since is replaced, never dlopened.
        if let cached = FileManager.default.contents(atPath: path), cached == data { return }
        let temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try data.write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, path) == 0 else {
            try? FileManager.default.removeItem(atPath: temporary)
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
    }
}
