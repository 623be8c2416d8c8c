import Foundation
import ReelHost

/// A minimal HTTP/1.1 client for the host's loopback admin listener.
struct AdminClient {
    let address: ListenAddress

    struct Failure: Error, CustomStringConvertible { let description: String }

    func send(_ method: String, _ path: String) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = self.address.port.bigEndian
        address.sin_addr.s_addr = inet_addr(self.address.host)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(description: "no host answers on \(self.address) (its admin listener, REEL_ADMIN_ADDR)") }
        let request = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        _ = request.withCString { write(fd, $0, strlen($0)) }
        var response = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { break }
            response.append(contentsOf: buffer[0..<n])
        }
        let text = String(decoding: response, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { throw Failure(description: "malformed answer") }
        let status = text.prefix(while: { $0 != "\r" })
        guard status.contains(" 200 ") else { throw Failure(description: "\(status): \(text[split.upperBound...])") }
        return String(text[split.upperBound...])
    }
}
