import CProtobufC

/// JSON Schemas (OpenAPI 3.1) of protobuf-c message descriptors, in the JSON
/// mapping the gateway speaks (CReelSupport's reel_json): camelCase field
/// names, 64-bit integers as strings (numbers accepted), enums by name,
/// bytes as base64, maps as objects. Each message becomes one component
/// schema named by its full name.
struct ProtoSchemas {
    /// Component schemas by name ("reel.video.v1.Video").
    private(set) var components: [String: Any] = [:]

    /// A `$ref` to the message's schema, adding it (and what it uses) to the components.
    mutating func reference(_ descriptor: UnsafePointer<ProtobufCMessageDescriptor>) -> [String: Any] {
        let name = String(cString: descriptor.pointee.name)
        if components[name] == nil {
            components[name] = [:] // placeholder: recursive messages refer to themselves
            components[name] = messageSchema(descriptor)
        }
        return ["$ref": "#/components/schemas/\(name)"]
    }

    /// The fields of a message, for query parameters: (JSON name, schema, is repeated).
    static func fields(_ descriptor: UnsafePointer<ProtobufCMessageDescriptor>)
        -> [(name: String, field: UnsafePointer<ProtobufCFieldDescriptor>)] {
        let message = descriptor.pointee
        guard let fields = message.fields else { return [] }
        return (0..<Int(message.n_fields)).map { index in
            let field = fields + index
            return (jsonName(String(cString: field.pointee.name)), field)
        }
    }

    private mutating func messageSchema(_ descriptor: UnsafePointer<ProtobufCMessageDescriptor>) -> [String: Any] {
        var properties: [String: Any] = [:]
        for (name, field) in Self.fields(descriptor) {
            properties[name] = fieldSchema(field, in: descriptor)
        }
        return ["type": "object", "properties": properties]
    }

    mutating func fieldSchema(_ field: UnsafePointer<ProtobufCFieldDescriptor>,
                              in parent: UnsafePointer<ProtobufCMessageDescriptor>) -> [String: Any] {
        if let entry = Self.mapEntry(field, in: parent), let entryFields = entry.pointee.fields {
            return ["type": "object", "additionalProperties": singleSchema(entryFields + 1)]
        }
        let single = singleSchema(field)
        if field.pointee.label == PROTOBUF_C_LABEL_REPEATED { return ["type": "array", "items": single] }
        // Explicit presence (proto3 `optional`) and message fields are written as null when unset.
        if field.pointee.label == PROTOBUF_C_LABEL_OPTIONAL || field.pointee.type == PROTOBUF_C_TYPE_MESSAGE {
            return ["anyOf": [single, ["type": "null"]]]
        }
        return single
    }

    /// The schema of one value of the field (not repeated).
    mutating func singleSchema(_ field: UnsafePointer<ProtobufCFieldDescriptor>) -> [String: Any] {
        switch field.pointee.type {
        case PROTOBUF_C_TYPE_INT32, PROTOBUF_C_TYPE_SINT32, PROTOBUF_C_TYPE_SFIXED32:
            return ["type": "integer", "format": "int32"]
        case PROTOBUF_C_TYPE_UINT32, PROTOBUF_C_TYPE_FIXED32:
            return ["type": "integer", "format": "int32", "minimum": 0]
        case PROTOBUF_C_TYPE_INT64, PROTOBUF_C_TYPE_SINT64, PROTOBUF_C_TYPE_SFIXED64,
             PROTOBUF_C_TYPE_UINT64, PROTOBUF_C_TYPE_FIXED64:
            // Written as a decimal string (proto3 JSON); a number is accepted too.
            return ["type": ["string", "integer"], "format": "int64", "pattern": "^-?[0-9]+$"]
        case PROTOBUF_C_TYPE_FLOAT, PROTOBUF_C_TYPE_DOUBLE:
            return ["type": "number"]
        case PROTOBUF_C_TYPE_BOOL:
            return ["type": "boolean"]
        case PROTOBUF_C_TYPE_STRING:
            return ["type": "string"]
        case PROTOBUF_C_TYPE_BYTES:
            return ["type": "string", "contentEncoding": "base64"]
        case PROTOBUF_C_TYPE_ENUM:
            guard let raw = field.pointee.descriptor else { return ["type": "string"] }
            let descriptor = raw.assumingMemoryBound(to: ProtobufCEnumDescriptor.self).pointee
            let names = descriptor.values.map { values in
                (0..<Int(descriptor.n_values)).map { String(cString: values[$0].name) }
            } ?? []
            // By name; a value this build does not know is written as its number.
            var byName: [String: Any] = ["type": "string"]
            if !names.isEmpty { byName["enum"] = names }
            return ["anyOf": [byName, ["type": "integer"]], "x-proto-enum": String(cString: descriptor.name)]
        case PROTOBUF_C_TYPE_MESSAGE:
            guard let raw = field.pointee.descriptor else { return ["type": "object"] }
            return reference(raw.assumingMemoryBound(to: ProtobufCMessageDescriptor.self))
        default:
            return [:]
        }
    }

    /// A map field's entry message (as reel_json__map_entry decides), or nil.
    static func mapEntry(_ field: UnsafePointer<ProtobufCFieldDescriptor>,
                         in parent: UnsafePointer<ProtobufCMessageDescriptor>) -> UnsafePointer<ProtobufCMessageDescriptor>? {
        guard field.pointee.label == PROTOBUF_C_LABEL_REPEATED, field.pointee.type == PROTOBUF_C_TYPE_MESSAGE,
              let raw = field.pointee.descriptor else { return nil }
        let entry = raw.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)
        let shortName = String(cString: entry.pointee.short_name), name = String(cString: entry.pointee.name)
        let parentName = String(cString: parent.pointee.name)
        guard shortName.hasSuffix("Entry"), name.hasPrefix(parentName + "."), entry.pointee.n_fields == 2,
              let fields = entry.pointee.fields,
              String(cString: fields[0].name) == "key", String(cString: fields[1].name) == "value" else { return nil }
        return entry
    }

    /// snake_case -> camelCase, as reel_json__json_name does.
    static func jsonName(_ protoName: String) -> String {
        var result = ""
        var upperNext = false
        for character in protoName {
            if character == "_" { upperNext = true; continue }
            result.append(upperNext && character.isLowercase ? Character(character.uppercased()) : character)
            upperNext = false
        }
        return result
    }
}
