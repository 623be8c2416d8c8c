import ArgumentParser
import Foundation
import ReelClient

struct Upload: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Upload a video (tus). An interrupted upload of the same file resumes where the server stopped.")
    @OptionGroup var options: ServerOptions
    @Argument(help: "The video file.") var file: String
    @Option var title: String
    @Option(help: "Bytes per PATCH request.") var chunkSize: Int = 4 << 20
    @Option(help: ArgumentHelp("Stop after the server confirmed this many bytes (to try resuming).", visibility: .hidden))
    var stopAfter: Int64?
    @Flag(help: "Start a new upload even if an unfinished one of this file exists.") var restart = false

    func run() async throws {
        guard chunkSize > 0 else { throw ValidationError("--chunk-size must be positive") }
        let client = try options.client()
        let url = URL(fileURLWithPath: file).standardizedFileURL
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path),
              let size = (attributes[.size] as? NSNumber)?.int64Value else {
            throw Failure(message: "cannot read \(url.path)")
        }
        let pending = PendingUploads(directory: options.configDirectory)
        let key = "\(try options.serverURL().absoluteString)|\(url.path)|\(size)"
        var resuming = restart ? nil : pending.location(for: key)
        if let resuming {
            ReelClientCLI.printErr("resuming \(resuming.absoluteString)")
        }
        let bar = ProgressBar()
        let stopAfter = self.stopAfter
        let upload: @Sendable (URL?) async throws(ReelError) -> String = { resume in
            try await client.upload(file: url, title: title, resuming: resume, chunkSize: chunkSize,
                                    onCreated: { pending.set($0, for: key) },
                                    progress: { progress in
                                        bar.draw(progress)
                                        if let stopAfter, progress.sent >= stopAfter, progress.sent < progress.total {
                                            withUnsafeCurrentTask { $0?.cancel() }
                                        }
                                    })
        }
        do {
            let videoID: String
            do {
                videoID = try await upload(resuming)
            } catch .server(let code, _, _) where resuming != nil && (code == .notFound || code == .unimplemented) {
                // The server no longer knows the unfinished upload (expired): start over.
                ReelClientCLI.printErr("the unfinished upload is gone; starting over")
                pending.set(nil, for: key)
                resuming = nil
                videoID = try await upload(nil)
            }
            bar.finish()
            pending.set(nil, for: key)
            print("uploaded video \(videoID)")
        } catch .cancelled {
            bar.finish()
            ReelClientCLI.printErr("upload interrupted; run the same command again to resume")
            throw ExitCode(3)
        } catch {
            bar.finish()
            throw Failure(error)
        }
    }
}

/// Unfinished uploads (file + size -> tus URL) in `uploads.json` beside the credentials.
struct PendingUploads: Sendable {
    let file: URL
    init(directory: URL) { file = directory.appendingPathComponent("uploads.json") }

    private func read() -> [String: String] {
        guard let data = try? Data(contentsOf: file) else { return [:] }
        return (try? JSONDecoder().decode([String: String].self, from: data)) ?? [:]
    }

    func location(for key: String) -> URL? { read()[key].flatMap(URL.init(string:)) }

    func set(_ location: URL?, for key: String) {
        var all = read()
        all[key] = location?.absoluteString
        guard let data = try? JSONEncoder().encode(all) else { return }
        try? FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: 0o700])
        FileManager.default.createFile(atPath: file.path, contents: data, attributes: [.posixPermissions: 0o600])
    }
}

/// A one-line progress bar on standard error.
final class ProgressBar: @unchecked Sendable {
    // @unchecked: only touched from the upload's task, one call at a time.
    private var drawn = false

    func draw(_ progress: UploadProgress) {
        let width = 30
        let filled = Int(progress.fraction * Double(width))
        let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
        let mb = { (bytes: Int64) in String(format: "%.1f", Double(bytes) / 1_000_000) }
        FileHandle.standardError.write(Data(
            "\r[\(bar)] \(Int(progress.fraction * 100))%  \(mb(progress.sent)) of \(mb(progress.total)) MB".utf8))
        drawn = true
    }

    func finish() {
        if drawn { FileHandle.standardError.write(Data("\n".utf8)) }
        drawn = false
    }
}
