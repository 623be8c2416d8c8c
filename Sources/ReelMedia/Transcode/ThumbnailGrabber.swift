import CLibAV
import Foundation

/// Writes `count` small JPEGs (`<out>/thumbs/thumb-01.jpg`, …) from frames the
/// one decode pass already made: at the middle of each of `count` equal parts
/// of the duration, or every segment duration when the duration is unknown.
/// Each is written when its frame comes by (nothing is held); a thumbnail
/// that cannot be written is skipped, and a video that ends early has fewer.
final class ThumbnailGrabber {
    /// Thumbnails are this wide at most (display pixels), aspect kept.
    static let maxWidth = 320

    private let directory: String
    private let rotation: Int
    private var targets: [Double]
    private(set) var paths: [String] = []

    init(count: Int, durationSeconds: Double, segmentSeconds: Double, rotation: Int, directory: String) {
        self.directory = directory
        self.rotation = rotation
        targets = (0..<max(0, count)).map { index in
            durationSeconds > 0
                ? durationSeconds * (Double(index) + 0.5) / Double(count)
                : segmentSeconds * Double(index)
        }
    }

    func offer(_ frame: UnsafeMutablePointer<AVFrame>, seconds: Double) {
        guard let target = targets.first, seconds >= target else { return }
        targets.removeAll { $0 <= seconds }  // a gap in the video may pass several
        if paths.isEmpty {
            guard (try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)) != nil
            else { return targets.removeAll() }
        }
        let number = paths.count + 1
        let path = directory + "/thumb-" + (number < 10 ? "0" : "") + String(number) + ".jpg"
        let quarter = rotation % 180 == 90
        let size = JPEGWriter.fitted(width: Int(quarter ? frame.pointee.height : frame.pointee.width),
                                     height: Int(quarter ? frame.pointee.width : frame.pointee.height),
                                     maxWidth: Self.maxWidth)
        do {
            try JPEGWriter.write(frame, width: size.width, height: size.height, rotation: rotation, to: path)
            paths.append(path)
        } catch {
            // Best effort: a missing thumbnail does not fail the transcode.
        }
    }
}
