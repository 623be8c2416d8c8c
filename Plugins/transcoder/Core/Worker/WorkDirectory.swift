import Foundation

/// The scratch folder of one attempt: `<root>/<job id>-a<attempt>/`, holding
/// the downloaded source (remote storage only) and `out/`, the encoder's
/// output until it is published. Removed when the attempt ends; folders of
/// attempts that died with their process are swept at start.
struct WorkDirectory: Sendable {
    let path: String

    init(root: String, lease: Lease) {
        path = root + "/" + lease.jobId + "-a" + String(lease.attempt)
    }

    var output: String { path + "/out" }
    var source: String { path + "/source" }

    func create() throws {
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// The (job id, attempt) of every attempt folder under `root`.
    static func existing(in root: String) -> [(path: String, jobId: String, attempt: Int)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return names.compactMap { name in
            guard let marker = name.range(of: "-a", options: .backwards),
                  let attempt = Int(name[marker.upperBound...]),
                  let id = UUID(uuidString: String(name[..<marker.lowerBound])) else { return nil }
            return (root + "/" + name, id.uuidString.lowercased(), attempt)
        }
    }
}
