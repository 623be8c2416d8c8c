import CReelABI
import XCTest
@testable import ReelHost

/// The loader against deliberately broken plugins (Tests/Fixtures/plugins,
/// built by tools/dev test into REEL_TEST_FIXTURES).
final class PluginLoaderTests: XCTestCase {
    // Plain strings, not implicitly unwrapped: tearDown runs even when
    // setUp threw before setting them (REEL_TEST_FIXTURES unset).
    private var fixtures = ""
    private var cache = ""

    override func setUpWithError() throws {
        let env = ProcessInfo.processInfo.environment
        fixtures = try XCTUnwrap(env["REEL_TEST_FIXTURES"], "run through tools/dev test (REEL_TEST_FIXTURES is unset)")
        cache = NSTemporaryDirectory() + "reel-loader-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if !cache.isEmpty { try? FileManager.default.removeItem(atPath: cache) }
    }

    private func refusal(_ file: String) -> String {
        do {
            _ = try LoadedLibrary(file: "\(fixtures)/\(file)", cacheDir: cache)
            return "loaded"
        } catch {
            return error.description
        }
    }

    func testEachBrokenPluginIsRefusedWithAClearReason() {
        XCTAssertTrue(refusal("bad-magic.so").contains("bad magic"), refusal("bad-magic.so"))
        let host = "\(REEL_ABI_MAJOR).\(REEL_ABI_MINOR)"
        XCTAssertTrue(refusal("abi-major.so").contains("host has ABI \(host), plugin was built for ABI 99"), refusal("abi-major.so"))
        XCTAssertTrue(refusal("abi-minor-newer.so").contains("only has \(host)"), refusal("abi-minor-newer.so"))
        XCTAssertTrue(refusal("no-entry.so").contains("reel_plugin_entry"), refusal("no-entry.so"))
        XCTAssertTrue(refusal("no-magic.so").contains("reel_plugin_magic"), refusal("no-magic.so"))
        XCTAssertTrue(refusal("bad-name.so").contains("name 'Bad Name!'"), refusal("bad-name.so"))
        XCTAssertTrue(refusal("not-elf.so").contains("dlopen failed"), refusal("not-elf.so"))
        XCTAssertTrue(refusal("missing.so").contains("cannot read"), refusal("missing.so"))
    }

    func testAPluginBuiltAgainstABI10sHeaderStillLoads() throws {
        let library = try LoadedLibrary(file: "\(fixtures)/abi-1-0.so", cacheDir: cache)
        XCTAssertEqual(library.name, "abi-1-0")
        XCTAssertEqual(library.methods.map(\.name), ["reel.test.v1.FixtureService/Ping"])
        XCTAssertTrue(library.httpRoutes.isEmpty, "1.0 had no HTTP routes: its reserved slots are not read as 1.2 fields")
        library.unload()
    }

    func testAChangedCachedCopyIsReplacedBeforeDlopen() throws {
        let file = "\(fixtures)/abi-1-0.so"
        let first = try LoadedLibrary(file: file, cacheDir: cache)
        let cachedPath = first.loadedPath
        first.unload()
        try Data("tampered".utf8).write(to: URL(fileURLWithPath: cachedPath))
        let second = try LoadedLibrary(file: file, cacheDir: cache)
        XCTAssertEqual(second.loadedPath, cachedPath)
        XCTAssertEqual(second.name, "abi-1-0", "the tampered copy was rewritten from the source, not dlopened")
        second.unload()
    }

    func testAValidPluginIsCopiedToAContentAddressedPath() throws {
        let plugins = try XCTUnwrap(ProcessInfo.processInfo.environment["REEL_TEST_PLUGINS"])
        let library = try LoadedLibrary(file: "\(plugins)/hello-c.so", cacheDir: cache)
        XCTAssertEqual(library.name, "hello-c")
        XCTAssertEqual(library.sha256.count, 64)
        XCTAssertTrue(library.loadedPath.hasSuffix("hello-c-\(library.sha256.prefix(16)).so"))
        XCTAssertTrue(library.unloadable)
        XCTAssertEqual(library.methods.map(\.name), ["reel.helloc.v1.EchoService/Echo", "reel.helloc.v1.EchoService/Stats"])
        XCTAssertEqual(library.routes.map { "\($0.httpMethod) \($0.pattern)" }, ["POST /api/v1/echo", "GET /api/v1/echo/stats"])
    }

    func testFailingInitIsRefusedByTheManager() throws {
        let dir = NSTemporaryDirectory() + "reel-plugins-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: "\(fixtures)/failing-init.so", toPath: "\(dir)/failing-init.so")
        let config = try HostConfig(environment: ["REEL_DATA_DIR": cache, "REEL_PLUGINS_DIR": dir])
        let registry = PluginRegistry()
        let manager = PluginManager(config: config, registry: registry, bus: Bus(registry: registry, callTimeoutSeconds: 5))
        let outcomes = manager.scan()
        XCTAssertEqual(outcomes.count, 1)
        guard case .refused(let file, let reason) = outcomes[0] else { return XCTFail("\(outcomes)") }
        XCTAssertEqual(file, "failing-init.so")
        XCTAssertTrue(reason.contains("init() refused"), reason)
        XCTAssertTrue(registry.all.isEmpty)
    }
}
