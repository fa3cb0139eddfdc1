import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The elements of an SVG document, parsed with Foundation's `XMLParser` (which fails on any
/// malformed XML, such as unescaped `<` or `&` in text).
struct ParsedSVG {
    /// Each element's name and attributes, in document order.
    var elements: [(name: String, attributes: [String: String])] = []
    /// The text content of every `<text>` element.
    var texts: [String] = []

    /// The number of elements named `name`, optionally with `class="cssClass"`.
    func count(_ name: String, class cssClass: String? = nil) -> Int {
        elements.filter { $0.name == name && (cssClass == nil || $0.attributes["class"] == cssClass) }.count
    }

    /// Parses `svg`, or returns `nil` (with the parser's error) when it is not well-formed XML.
    static func parse(_ svg: String) -> ParsedSVG? {
        let delegate = Collector()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = delegate
        guard parser.parse(), delegate.result.elements.first?.name == "svg" else { return nil }
        return delegate.result
    }

    private final class Collector: NSObject, XMLParserDelegate {
        var result = ParsedSVG()
        private var inText = false
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String]) {
            result.elements.append((name, attributes))
            if name == "text" { inText = true; result.texts.append("") }
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if inText { result.texts[result.texts.count - 1] += string }
        }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if name == "text" { inText = false }
        }
    }
}
