import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A rendered page read back with a real XML parser. The dashboard writes polyglot markup
/// (void elements self-closed, boolean attributes as `name=""`), so every page must parse:
/// a stray `<` from unescaped input would fail here, not in a browser.
struct Markup {
    let document: XMLDocument

    init(_ page: String) throws {
        document = try XMLDocument(xmlString: page, options: [])
    }

    func nodes(_ xpath: String) throws -> [XMLElement] {
        try document.nodes(forXPath: xpath).compactMap { $0 as? XMLElement }
    }

    func count(_ xpath: String) throws -> Int {
        try nodes(xpath).count
    }

    /// Every text node of the document, joined: what a person would read.
    var text: String { document.rootElement()?.stringValue ?? "" }
}

extension XMLElement {
    func value(_ attribute: String) -> String? {
        self.attribute(forName: attribute)?.stringValue
    }

    func number(_ attribute: String) -> Double? {
        value(attribute).flatMap(Double.init)
    }
}
