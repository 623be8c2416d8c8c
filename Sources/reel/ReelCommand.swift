import ArgumentParser

struct ReelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reel",
        abstract: "Reel: a self-hostable video streaming platform.",
        subcommands: [Serve.self, Plugin.self],
        defaultSubcommand: Serve.self)
}
