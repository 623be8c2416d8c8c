import CLibAV

/// An AVDictionary of options for one libav call, freed on deinit. libav
/// removes the entries it used; whatever is left was not recognised.
final class LibAVOptions {
    var dictionary: OpaquePointer?

    init(_ entries: KeyValuePairs<String, String>) {
        for (key, value) in entries {
            av_dict_set(&dictionary, key, value, 0)
        }
    }

    deinit {
        av_dict_free(&dictionary)
    }
}
