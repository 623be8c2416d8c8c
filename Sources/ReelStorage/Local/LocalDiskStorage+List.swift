import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension LocalDiskStorage {
    /// Walks the deepest folder the prefix names (`videos/ab` → `videos/`,
    /// keeping names that start with `ab`) and everything below it.
    func listSynchronously(prefix: String) throws -> [String] {
        let folderPart = prefix.lastIndex(of: "/").map { String(prefix[...$0]) } ?? ""
        let components = folderPart.split(separator: "/")
        let rootFD = try openRoot(key: prefix)
        defer { close(rootFD) }
        guard let start = try LocalFileSystem.openDirectory(
            root: rootFD, components: components[...], create: false, key: prefix)
        else { return [] }
        var keys: [String] = []
        collect(directory: start, keyPrefix: folderPart, into: &keys)
        return keys
            .filter { $0.hasPrefix(prefix) && (try? StorageKey.validate($0)) != nil }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// Takes ownership of `directory`. Skips hidden names and symbolic links.
    private func collect(directory: Int32, keyPrefix: String, into keys: inout [String]) {
        defer { close(directory) }
        for name in LocalFileSystem.entries(ofDirectory: dup(directory)) where !name.hasPrefix(".") {
            switch LocalFileSystem.entryKind(directory, name) {
            case .file:
                keys.append(keyPrefix + name)
            case .directory:
                let child = openat(directory, name, LocalFileSystem.directoryFlags)
                if child >= 0 { collect(directory: child, keyPrefix: keyPrefix + name + "/", into: &keys) }
            case .missing, .symlink, .other:
                continue
            }
        }
    }
}
