import ReelPluginKit

/// Per-type {web, email} settings.
extension NotificationService {
    func getSettings(_ call: PluginCall) async throws -> [UInt8] {
        let me = try caller(call)
        let settings = try await database.withConnection { c in try SettingsStore.load(c, user: me) }
        return NotificationMessages.settings(settings)
    }

    func updateSettings(_ call: PluginCall) async throws -> [UInt8] {
        let me = try caller(call)
        let payload = call.payload
        let settings = try await database.withTransaction { c in
            let current = try SettingsStore.load(c, user: me)
            let changes = try NotificationMessages.settingsChanges(payload, current: current)
            try SettingsStore.save(c, user: me, changes)
            return try SettingsStore.load(c, user: me)
        }
        return NotificationMessages.settings(settings)
    }
}
