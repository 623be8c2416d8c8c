import ArgumentParser
import Foundation
import ReelClient

struct Register: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create an account (does not sign in).")
    @OptionGroup var options: ServerOptions
    @Option var email: String
    @Option var password: String?
    @Option(name: .customLong("name")) var displayName: String

    func run() async throws {
        let client = try options.client()
        let secret = try ReelClientCLI.password(password)
        let user = try await ReelClientCLI.run { () async throws(ReelError) in
            try await client.register(email: email, password: secret, displayName: displayName)
        }
        print("registered \(user.email) (\(user.role)) id \(user.id)")
    }
}

struct Login: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Sign in; the tokens are kept in the credentials file (0600).")
    @OptionGroup var options: ServerOptions
    @Option var email: String
    @Option var password: String?

    func run() async throws {
        let client = try options.client()
        let secret = try ReelClientCLI.password(password)
        let user = try await ReelClientCLI.run { () async throws(ReelError) in
            try await client.login(email: email, password: secret)
        }
        print("signed in as \(user.displayName) <\(user.email)> (\(user.role))")
    }
}

struct Logout: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Sign out and forget the tokens.")
    @OptionGroup var options: ServerOptions

    func run() async throws {
        let client = try options.client()
        try await ReelClientCLI.run { () async throws(ReelError) in try await client.logout() }
        print("signed out")
    }
}

struct WhoAmI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "whoami", abstract: "The signed-in user.")
    @OptionGroup var options: ServerOptions

    func run() async throws {
        let client = try options.client()
        let user = try await ReelClientCLI.run { () async throws(ReelError) in try await client.me() }
        print("\(user.displayName) <\(user.email)> role \(user.role) id \(user.id)")
    }
}
