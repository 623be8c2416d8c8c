import CReelABI
import NotificationCore
import ReelPluginKit

// The two symbols the host looks up (reel_plugin.h). Only this target exports
// them, so NotificationCore can be linked into unit tests.
@_cdecl("reel_plugin_magic")
public func reelPluginMagic() -> UnsafePointer<reel_magic> { PluginExport.magic }

@_cdecl("reel_plugin_entry")
public func reelPluginEntry() -> UnsafePointer<reel_plugin_descriptor> { PluginExport.descriptor(for: notificationPlugin) }
