import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A parsed XML element: enough of a tree for S3's small response documents.
/// Names are local names (S3's namespace is ignored).
struct XMLNode: Sendable {
    var name: String
    var text = ""
    var children: [XMLNode] = []

    func child(_ name: String) -> XMLNode? { children.first { $0.name == name } }
    func children(_ name: String) -> [XMLNode] { children.filter { $0.name == name } }
    func text(of name: String) -> String? { child(name)?.text }

    /// The root element, or nil if `data` is not well-formed XML.
    static func parse(_ data: Data) -> XMLNode? {
        let builder = TreeBuilder()
        let parser = XMLParser(data: data)
        parser.delegate = builder
        parser.shouldProcessNamespaces = true
        guard parser.parse() else { return nil }
        return builder.root
    }
}

private final class TreeBuilder: NSObject, XMLParserDelegate {
    var stack: [XMLNode] = []
    var root: XMLNode?

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        stack.append(XMLNode(name: elementName))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += string
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?) {
        guard let node = stack.popLast() else { return }
        if stack.isEmpty {
            root = node
        } else {
            stack[stack.count - 1].children.append(node)
        }
    }
}

/// S3's answers, read from `XMLNode`s.
enum S3XML {
    /// `<Error><Code>…</Code><Message>…</Message></Error>`, if `data` is one.
    static func error(in data: Data) -> (code: String, message: String)? {
        guard !data.isEmpty, let root = XMLNode.parse(data), root.name == "Error" else { return nil }
        return (root.text(of: "Code") ?? "", root.text(of: "Message") ?? "")
    }

    struct ListPage {
        var keys: [String]
        var nextToken: String?
    }

    static func listPage(_ data: Data) -> ListPage? {
        guard let root = XMLNode.parse(data), root.name == "ListBucketResult" else { return nil }
        let keys = root.children("Contents").compactMap { $0.text(of: "Key") }
        let truncated = root.text(of: "IsTruncated") == "true"
        return ListPage(keys: keys, nextToken: truncated ? root.text(of: "NextContinuationToken") : nil)
    }

    static func uploadID(_ data: Data) -> String? {
        guard let root = XMLNode.parse(data), root.name == "InitiateMultipartUploadResult" else { return nil }
        return root.text(of: "UploadId").flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The `<Error>`s of a DeleteObjects answer (empty when all went well).
    static func deleteErrors(_ data: Data) -> [(key: String, code: String, message: String)]? {
        guard let root = XMLNode.parse(data), root.name == "DeleteResult" else { return nil }
        return root.children("Error").map { ($0.text(of: "Key") ?? "", $0.text(of: "Code") ?? "", $0.text(of: "Message") ?? "") }
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
